using System.Globalization;
using System.Text;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// HAProxy's agent-check reply: words separated by spaces, tabs or commas; <c>75%</c> sets the weight as a
/// share of the configured one, <c>drain</c> sets it to 0, <c>down</c>/<c>fail</c>/<c>stopped</c>/<c>maint</c>
/// take the server out, <c>up</c>/<c>ready</c> bring it back; text after <c>#</c> is a description.
/// </summary>
public static class AgentReply
{
    /// <summary>Longer replies are cut: the agent protocol is one short line.</summary>
    public const int MaxLength = 512;

    public static ProbeResult Parse(ReadOnlySpan<byte> reply)
    {
        var newline = reply.IndexOfAny((byte)'\n', (byte)'\r');
        var text = Encoding.ASCII.GetString(newline >= 0 ? reply[..newline] : reply).Trim();
        if (text.Length == 0)
        {
            return ProbeResult.Failure("agent sent nothing");
        }

        var hash = text.IndexOf('#', StringComparison.Ordinal);
        var words = (hash >= 0 ? text[..hash] : text).Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
        var down = false;
        var drain = false;
        int? percent = null;
        foreach (var word in words)
        {
            var lower = word.ToLowerInvariant();
            switch (lower)
            {
                case "down" or "fail" or "failed" or "stopped" or "maint":
                    down = true;
                    break;
                case "drain":
                    drain = true;
                    break;
                case "up" or "ready":
                    break;
                default:
                    if (lower.EndsWith('%') && int.TryParse(lower.AsSpan(0, lower.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
                    {
                        percent = p;
                    }

                    break;
            }
        }

        var reason = "agent: " + text;
        return down ? ProbeResult.Failure(reason)
            : drain ? ProbeResult.Success(reason, WeightReport.Percent(0))
            : percent is { } share ? ProbeResult.Success(reason, WeightReport.Percent(share))
            : ProbeResult.Success(reason);
    }
}
