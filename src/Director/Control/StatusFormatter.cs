using System.Globalization;
using System.Text;

namespace HaDirector.Director.Control;

/// <summary>The human view of <see cref="StatusReport"/>: aligned tables, one section per part.</summary>
public static partial class StatusFormatter
{
    /// <summary>
    /// Each held address: <c>ADDR/PREFIX</c>, then <c>@dev</c> when not on the instance's interface, <c>[label]</c>,
    /// <c>(excluded)</c> when not advertised, <c>(MISSING)</c> when this node should hold it and does not.
    /// </summary>
    private static string AddressColumn(InstanceStatus i) =>
        i.Addresses.Count == 0
            ? string.Join(",", i.VirtualAddresses.Select(v => i.MissingAddresses.Contains(v) ? v + "(MISSING)" : v))
            : string.Join(",", i.Addresses.Select(a => a.Address
                + (a.Device != i.Interface ? "@" + a.Device : "")
                + (a.Label is { } label ? $"[{label}]" : "")
                + (a.Excluded ? "(excluded)" : "")
                + (i.MissingAddresses.Contains(a.Address) ? "(MISSING)" : "")));

    private static readonly string[] InstanceHeader = ["INSTANCE", "STATE", "PRIO", "VIPS", "MASTER", "SINCE", ""];
    private static readonly string[] DroppedHeader = ["FROM", "VRID", "VERSION", "REASON", "COUNT", "LAST", ""];
    private static readonly string[] RealServerHeader = ["REAL SERVER", "WEIGHT", "KERNEL", "HEALTH", "ACTIVE", "INACTIVE", ""];

    public static string Format(StatusReport report, DateTimeOffset now)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"config {report.ConfigFile}");
        text.AppendLine();
        var instances = new List<string[]> { InstanceHeader };
        foreach (var i in report.Instances)
        {
            instances.Add([
                i.Name,
                i.State,
                i.Priority.ToString(CultureInfo.InvariantCulture),
                AddressColumn(i),
                i.MasterAddress ?? "-",
                Age(now - i.Since) + " ago",
                i.Held ? "held (hadirector resume)" : i.State != "master" && i.HoldsAddresses ? "VIPs on the interface (see WARNING)" : "",
            ]);
        }

        if (report.Instances.Count > 0 || report.Announce is null)
        {
            Table(text, instances, "");
        }

        TrackingLines(text, report.Instances);
        AnnounceLines(text, report.Announce, now);

        foreach (var i in report.Instances)
        {
            foreach (var warning in i.Warnings)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"WARNING {i.Name}: {warning}");
            }
        }

        AuthenticationLines(text, report.Instances, now);

        foreach (var vrrpInterface in report.VrrpInterfaces.Where(v => v.DroppedAdverts.Count > 0))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"{vrrpInterface.Name}{(vrrpInterface.Family == "ipv6" ? " (IPv6)" : "")}: VRRP adverts dropped lately");
            var rows = new List<string[]> { DroppedHeader };
            foreach (var d in vrrpInterface.DroppedAdverts)
            {
                rows.Add([
                    d.Source,
                    d.Vrid.ToString(CultureInfo.InvariantCulture),
                    "v" + d.Version.ToString(CultureInfo.InvariantCulture),
                    d.ForeignRouter ? "another router (normal)" : d.Reason,
                    d.Count.ToString(CultureInfo.InvariantCulture),
                    Age(now - d.LastSeen) + " ago",
                    d.ClaimedAddress is { } vip ? $"CLAIMS OUR VIP {vip}" : "",
                ]);
            }

            Table(text, rows, "  ");
        }

        foreach (var v in report.VirtualServers)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{v.Name}  {v.Service}  {v.Scheduler}{(v.SchedulerFlags.Count > 0 ? $" ({string.Join(',', v.SchedulerFlags)})" : "")}/{v.Forwarding}  {v.Role}{(v.InKernel ? "" : ", not in kernel")}{(v.SorryServerActive ? ", SORRY SERVER in use" : "")}");
            var rows = new List<string[]> { RealServerHeader };
            foreach (var r in v.RealServers)
            {
                rows.Add([
                    r.Address.Contains(':', StringComparison.Ordinal) ? $"[{r.Address}]:{r.Port}" : $"{r.Address}:{r.Port}",
                    r.DesiredWeight?.ToString(CultureInfo.InvariantCulture) ?? "removed",
                    r.KernelWeight?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    Health(r.Health),
                    r.ActiveConnections.ToString(CultureInfo.InvariantCulture),
                    r.InactiveConnections.ToString(CultureInfo.InvariantCulture),
                    r.Drained ? "drained" : "",
                ]);

                // Several checks: one line each under the server, so the failing one is plain to see.
                if (r.Health is { Checks.Count: > 1 } health)
                {
                    foreach (var c in health.Checks)
                    {
                        rows.Add(["  check " + c.Check, "", "", Health(c.State, c.LatencyMs, c.Reason), "", "", ""]);
                    }
                }
            }

            Table(text, rows, "  ");
        }

        if (report.UnownedServices.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("not ours (left alone):");
            foreach (var u in report.UnownedServices)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {u.Service} {u.Scheduler}: {u.Destinations.Count} destination(s)");
            }
        }

        if (report.Drains.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"drained: {string.Join(", ", report.Drains)}");
        }

        var ipvs = report.Ipvs;
        text.AppendLine();
        text.AppendLine(ipvs.InUse
            ? string.Create(CultureInfo.InvariantCulture,
                $"ipvs: {ipvs.Role}, {ipvs.Passes} passes ({ipvs.FailedPasses} failed), last {ipvs.LastPassMs:0.0} ms{(ipvs.LastPassAt is { } at ? ", " + Age(now - at) + " ago" : "")}, {ipvs.TotalOperations} edits ({ipvs.TotalFailedOperations} failed){(ipvs.Error is null ? "" : ", ERROR: " + ipvs.Error)}")
            : "ipvs: not in use (no virtual servers)");
        foreach (var setting in report.UnappliedSettings)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"WARNING setting not applied: {setting.Name}={setting.Wanted}: {setting.Error}");
        }

        return text.ToString();
    }

    private static string Health(RealServerHealthView? health) => health is null
        ? "unchecked"
        : Health(health.State, health.LatencyMs, health.Reason);

    private static string Health(string state, double? latencyMs, string? reason) =>
        state + (state == "up" && latencyMs is { } ms
            ? string.Create(CultureInfo.InvariantCulture, $" ({ms:0.0} ms)")
            : reason is { Length: > 0 } ? ": " + reason : "");

    private static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:0}s")
            : age.TotalMinutes < 60 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes}m{age.Seconds:00}s")
            : age.TotalHours < 48 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h{age.Minutes:00}m")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays}d");
    }

    private static void Table(StringBuilder text, List<string[]> rows, string indent)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        foreach (var row in rows)
        {
            var line = new StringBuilder(indent);
            for (var c = 0; c < row.Length; c++)
            {
                line.Append(row[c].PadRight(widths[c] + 2));
            }

            text.AppendLine(line.ToString().TrimEnd());
        }
    }

    /// <summary>Effective priority, trackers, fault reason and sync group of the instances that have any.</summary>
    private static void TrackingLines(StringBuilder text, IReadOnlyList<InstanceStatus> instances)
    {
        foreach (var i in instances.Where(i => i.Trackers.Count > 0 || i.SyncGroup is not null || i.FaultReason is not null))
        {
            var parts = new List<string>();
            if (i.EffectivePriority is { } effective)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"priority {i.Priority} -> {effective}"));
            }

            if (i.Trackers.Count > 0)
            {
                parts.Add("track " + string.Join(", ", i.Trackers.Select(t =>
                    t.Weight is { } w ? string.Create(CultureInfo.InvariantCulture, $"{t.Tracker} {t.State} (weight {w:+0;-0})") : $"{t.Tracker} {t.State} (fault)")));
            }

            if (i.SyncGroup is { } group)
            {
                parts.Add($"sync group {group}");
            }

            if (i.FaultReason is { } reason)
            {
                parts.Add($"FAULT: {reason}");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  {i.Name}: {string.Join("; ", parts)}");
        }
    }
}
