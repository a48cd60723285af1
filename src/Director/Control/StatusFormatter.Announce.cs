using System.Globalization;
using System.Text;

namespace HaDirector.Director.Control;

public static partial class StatusFormatter
{
    private static readonly string[] AnnounceHeader = ["ANNOUNCED VIP", "STATE", "SINCE", ""];

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
    }
}
