using System.Text.Json;
using System.Text.RegularExpressions;

namespace HaDirector.Integration.Tests.Deploy;

/// <summary>deploy/grafana/hadirector.json parses and every query names only metrics HaDirector exports.</summary>
public sealed partial class GrafanaDashboardTests
{
    /// <summary>The metric families the dashboard may use (docs/metrics.md); histograms add _bucket/_sum/_count.</summary>
    private static readonly string[] Exported =
    [
        "hadirector_vrrp_state", "hadirector_vrrp_transitions_total", "hadirector_vrrp_adverts_sent_total",
        "hadirector_vrrp_adverts_received_total", "hadirector_vrrp_priority_zero_sent_total",
        "hadirector_vrrp_priority_zero_received_total", "hadirector_vrrp_packets_dropped_total", "hadirector_vrrp_garp_sent_total", "hadirector_ipvs_reconcile_duration_seconds",
        "hadirector_real_server_up", "hadirector_real_server_weight", "hadirector_healthcheck_checks_total",
        "hadirector_ipvs_service_connections_total", "hadirector_ipvs_service_incoming_packets_total",
        "hadirector_ipvs_service_outgoing_packets_total", "hadirector_ipvs_service_incoming_bytes_total",
        "hadirector_ipvs_service_outgoing_bytes_total", "hadirector_ipvs_backend_connections_active",
        "hadirector_ipvs_backend_connections_inactive", "hadirector_ipvs_netlink_errors_total", "hadirector_build_info",
    ];

    private static readonly string[] Histograms = ["hadirector_healthcheck_duration_seconds"];

    /// <summary>PromQL words that are not metric names.</summary>
    private static readonly string[] PromQl =
    [
        "sum", "max", "min", "avg", "count", "by", "without", "rate", "increase", "irate", "changes", "histogram_quantile",
        "and", "or", "unless", "on", "ignoring", "group_left", "group_right", "bool", "offset", "label_values",
    ];

    private static readonly HashSet<string> Allowed =
        [.. Exported, .. Histograms.SelectMany(h => new[] { h + "_bucket", h + "_sum", h + "_count" })];

    private static JsonDocument Load() =>
        JsonDocument.Parse(File.ReadAllText(Repository.File("deploy", "grafana", "hadirector.json")));

    /// <summary>Every query: panel targets (rows included), annotations and template variables.</summary>
    private static List<string> Queries(JsonElement root)
    {
        var queries = new List<string>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name is "expr" or "definition" && p.Value.ValueKind == JsonValueKind.String)
                    {
                        queries.Add(p.Value.GetString()!);
                    }
                    Walk(p.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }
        Walk(root);
        return queries;
    }

    /// <summary>The metric names in a query: identifiers left after removing strings, label sets, ranges, groupings and variables.</summary>
    internal static IEnumerable<string> MetricNames(string query)
    {
        var stripped = LabelValuesPattern().Replace(query, "$1");
        stripped = StringPattern().Replace(stripped, " ");
        stripped = LabelSetPattern().Replace(stripped, " ");
        stripped = RangePattern().Replace(stripped, " ");
        stripped = GroupingPattern().Replace(stripped, " ");
        stripped = VariablePattern().Replace(stripped, " ");
        return IdentifierPattern().Matches(stripped).Select(m => m.Value).Where(w => !PromQl.Contains(w) && !char.IsDigit(w[0]));
    }

    [Fact]
    public void Dashboard_ParsesWithTitleUidAndPanels()
    {
        using var doc = Load();

        Assert.Equal("HaDirector", doc.RootElement.GetProperty("title").GetString());
        Assert.Equal("hadirector", doc.RootElement.GetProperty("uid").GetString());
        Assert.True(doc.RootElement.GetProperty("panels").GetArrayLength() >= 10);
    }

    [Fact]
    public void EveryQuery_NamesOnlyExportedHadirectorMetrics()
    {
        using var doc = Load();
        var queries = Queries(doc.RootElement);

        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            var names = MetricNames(query).ToList();
            Assert.True(names.Count > 0, $"no metric in: {query}");
            Assert.All(names, n => Assert.True(Allowed.Contains(n), $"{n} is not an exported metric (in: {query})"));
        }
    }

    [Fact]
    public void Dashboard_ShowsEveryExportedMetric()
    {
        using var doc = Load();
        var used = Queries(doc.RootElement).SelectMany(MetricNames).ToHashSet();

        var missing = Exported.Where(m => !used.Contains(m)).Concat(Histograms.Where(h => !used.Contains(h + "_bucket"))).ToList();
        Assert.True(missing.Count == 0, "not on the dashboard: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("sum by (le) (rate(hadirector_x_bucket{job=~\"$job\"}[$__rate_interval]))", "hadirector_x_bucket")]
    [InlineData("process_resident_memory_bytes / on(job) hadirector_build_info", "process_resident_memory_bytes hadirector_build_info")]
    [InlineData("label_values(hadirector_build_info, job)", "hadirector_build_info")]
    public void MetricNames_FindsTheMetricsOfAQuery(string query, string expected)
    {
        Assert.Equal(expected, string.Join(" ", MetricNames(query)));
    }

    /// <summary>Grafana's label_values(METRIC, LABEL): the second argument is a label.</summary>
    [GeneratedRegex(@"label_values\(([^,]+),\s*\w+\)")]
    private static partial Regex LabelValuesPattern();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringPattern();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelSetPattern();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex GroupingPattern();

    [GeneratedRegex(@"\$\w+")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex IdentifierPattern();
}
