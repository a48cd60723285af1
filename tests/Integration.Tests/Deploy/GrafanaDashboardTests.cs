using System.Text.Json;
using System.Text.RegularExpressions;
using HaDirector.Director.Metrics;

namespace HaDirector.Integration.Tests.Deploy;

/// <summary>deploy/grafana/hadirector.json parses and every query names only metrics HaDirector exports (<see cref="MetricNames"/>).</summary>
public sealed partial class GrafanaDashboardTests
{
    /// <summary>The families the dashboard must show (every family it may use is in <see cref="MetricNames.All"/>).</summary>
    private static readonly string[] Shown =
    [
        MetricNames.VrrpState, MetricNames.VrrpTransitions, MetricNames.VrrpAdvertsSent, MetricNames.VrrpAdvertsReceived,
        MetricNames.VrrpPriorityZeroSent, MetricNames.VrrpPriorityZeroReceived, MetricNames.VrrpPacketsDropped, MetricNames.VrrpGarpSent,
        MetricNames.IpvsReconcileDuration, MetricNames.RealServerUp, MetricNames.RealServerWeight, MetricNames.HealthChecks,
        MetricNames.IpvsServiceConnections, MetricNames.IpvsServiceIncomingPackets, MetricNames.IpvsServiceOutgoingPackets,
        MetricNames.IpvsServiceIncomingBytes, MetricNames.IpvsServiceOutgoingBytes, MetricNames.IpvsBackendConnectionsActive,
        MetricNames.IpvsBackendConnectionsInactive, MetricNames.IpvsNetlinkErrors, MetricNames.BuildInfo, MetricNames.HealthCheckDuration,
    ];

    /// <summary>PromQL words that are not metric names.</summary>
    private static readonly string[] PromQl =
    [
        "sum", "max", "min", "avg", "count", "by", "without", "rate", "increase", "irate", "changes", "histogram_quantile",
        "and", "or", "unless", "on", "ignoring", "group_left", "group_right", "bool", "offset", "label_values",
    ];

    private static readonly HashSet<string> Allowed =
        [.. MetricNames.All, .. MetricNames.Histograms.SelectMany(h => new[] { h + "_bucket", h + "_sum", h + "_count" })];

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
    internal static IEnumerable<string> MetricsIn(string query)
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
            var names = MetricsIn(query).ToList();
            Assert.True(names.Count > 0, $"no metric in: {query}");
            Assert.All(names, n => Assert.True(Allowed.Contains(n), $"{n} is not an exported metric (in: {query})"));
        }
    }

    [Fact]
    public void Dashboard_ShowsEveryExportedMetric()
    {
        using var doc = Load();
        var used = Queries(doc.RootElement).SelectMany(MetricsIn).ToHashSet();

        var missing = Shown.Where(m => !used.Contains(MetricNames.Histograms.Contains(m) ? m + "_bucket" : m)).ToList();
        Assert.True(missing.Count == 0, "not on the dashboard: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("sum by (le) (rate(hadirector_x_bucket{job=~\"$job\"}[$__rate_interval]))", "hadirector_x_bucket")]
    [InlineData("process_resident_memory_bytes / on(job) hadirector_build_info", "process_resident_memory_bytes hadirector_build_info")]
    [InlineData("label_values(hadirector_build_info, job)", "hadirector_build_info")]
    public void MetricsIn_FindsTheMetricsOfAQuery(string query, string expected)
    {
        Assert.Equal(expected, string.Join(" ", MetricsIn(query)));
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
