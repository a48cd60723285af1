using System.Globalization;
using System.Text;

namespace HaDirector.Director.Control;

public static partial class StatusFormatter
{
    /// <summary>One line per instance with HMAC authentication: mode, key ids, last verified peer, failures by reason.</summary>
    private static void AuthenticationLines(StringBuilder text, IReadOnlyList<InstanceStatus> instances, DateTimeOffset now)
    {
        foreach (var i in instances)
        {
            if (i.Authentication is not { } a)
            {
                continue;
            }

            var last = a.LastVerifiedPeer is { } peer && a.LastVerifiedAt is { } at
                ? $"last verified {peer} (key {a.LastVerifiedKeyId}) {Age(now - at)} ago"
                : "nothing verified yet";
            var failures = a.Failures.Where(f => f.Value > 0).Select(f => $"{f.Key} {f.Value}").ToList();
            var dropped = failures.Count == 0 ? "no failures" : "dropped: " + string.Join(", ", failures);
            var unsigned = a.AcceptedWithoutTrailer > 0 ? $"; {a.AcceptedWithoutTrailer} accepted without trailer" : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{i.Name}: hmac {a.Mode}, signing with key {a.ActiveKeyId}, accepting keys {string.Join(",", a.KeyIds)}, {a.AntiReplay} anti-replay; {last}; {dropped}{unsigned}");
        }
    }
}
