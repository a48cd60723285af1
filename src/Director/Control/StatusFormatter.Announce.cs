using System.Globalization;
using System.Text;

namespace HaDirector.Director.Control;

public static partial class StatusFormatter
{
    private static readonly string[] AnnounceHeader = ["ANNOUNCED VIP", "STATE", "SINCE", ""];
    private static readonly string[] BgpHeader = ["BGP SESSION", "NEIGHBOR", "STATE", ""];
    private static readonly string[] BfdHeader = ["BFD NEIGHBOR", "INTERFACE", "STATE"];

    /// <summary>Each announced VIP: announcing, or withdrawn and why.</summary>
    private static void AnnounceLines(StringBuilder text, AnnounceStatus? announce, DateTimeOffset now)
    {
        if (announce is null)
        {
            return;
        }

        if (text.Length > 0 && !text.ToString().EndsWith(Environment.NewLine + Environment.NewLine, StringComparison.Ordinal))
        {
            text.AppendLine();
        }

        var rows = new List<string[]> { AnnounceHeader };
        foreach (var vip in announce.Vips)
        {
            var detail = vip.Until is { } until ? $"{vip.Detail} (in {Age(until - now)})" : vip.Detail ?? "";
            rows.Add([vip.Vip, vip.Announcing ? "announcing" : "withdrawn: " + vip.State.Replace('_', ' '), Age(now - vip.Since) + " ago", detail]);
        }

        Table(text, rows, "");
        var maintenance = announce.Maintenance ? "; MAINTENANCE: withdrawn by `hadirector failover` until `hadirector resume`" : "";
        text.AppendLine(CultureInfo.InvariantCulture, $"routes in table {announce.Table}, protocol {announce.Protocol}{maintenance}");
        RoutingDaemonLines(text, announce.RoutingDaemon, now);
    }

    /// <summary>The routing daemon's sessions as last read, and how old that reading is.</summary>
    private static void RoutingDaemonLines(StringBuilder text, RoutingDaemonStatus? daemon, DateTimeOffset now)
    {
        if (daemon is null)
        {
            return;
        }

        var where = daemon.Socket is null ? daemon.Type : $"{daemon.Type} at {daemon.Socket}";
        var age = daemon.ReadAt is { } at ? $", read {Age(now - at)} ago" : "";
        if (!daemon.Reachable)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"routing daemon {where}: UNREACHABLE: {daemon.Error}{age}");
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"routing daemon {where}{age}:");
        var rows = new List<string[]> { BgpHeader };
        rows.AddRange(daemon.Sessions.Select(s => (string[])[s.Name, s.Neighbor ?? "", s.Established ? "established" : s.State + " (NOT established)", s.Info ?? ""]));
        if (daemon.Sessions.Count == 0)
        {
            rows.Add(["(none)", "", "", ""]);
        }

        Table(text, rows, "  ");
        if (daemon.BfdNote is { } note)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  BFD: {note}");
            return;
        }

        var bfd = new List<string[]> { BfdHeader };
        bfd.AddRange(daemon.Bfd.Select(s => (string[])[s.Neighbor, s.Interface ?? "", s.Up ? "up" : s.State + " (DOWN)"]));
        if (daemon.Bfd.Count == 0)
        {
            bfd.Add(["(none)", "", ""]);
        }

        Table(text, bfd, "  ");
    }
}
