using System.Globalization;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>
/// tcpdump on an interface of the router namespace (the bridge br0 sees every frame of the LAN, unicast included; a
/// port p-NAME sees what that host sends and receives): every VRRP advert on the link, IPv4 or IPv6, with the time
/// it was seen and its bytes. What the wire shows is the evidence for a peer whose own state the test cannot read.
/// </summary>
public sealed class AdvertCapture : IDisposable
{
    private readonly ManagedProcess _tcpdump;

    public AdvertCapture(string routerNamespace, string device = "br0")
    {
        // -x: each packet's IP datagram in hex under its summary line; -l: a line as soon as it is seen.
        _tcpdump = new ManagedProcess("tcpdump@" + device, routerNamespace, "tcpdump",
            ["-i", device, "-n", "-tt", "-l", "-x", "(ip proto 112) or (ip6 proto 112)"]);
        Wait.Until(() => _tcpdump.OutputContains("listening on"), TimeSpan.FromSeconds(10), $"tcpdump on {device}", () => _tcpdump.Output);
    }

    /// <summary>The adverts captured so far, in order.</summary>
    public IReadOnlyList<CapturedAdvert> Adverts()
    {
        var adverts = new List<CapturedAdvert>();
        double? time = null;
        var hex = new System.Text.StringBuilder();
        foreach (var line in _tcpdump.Lines.Append("0 end"))
        {
            if (line.TrimStart().StartsWith("0x", StringComparison.Ordinal))
            {
                hex.Append(string.Concat(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Where(Uri.IsHexDigit)));
                continue;
            }

            if (time is { } t && hex.Length > 0 && CapturedAdvert.TryParse(t, Convert.FromHexString(hex.ToString()), out var advert))
            {
                adverts.Add(advert);
            }

            hex.Clear();
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            time = space > 0 && double.TryParse(line[..space], NumberStyles.Float, CultureInfo.InvariantCulture, out var seen) ? seen : null;
        }

        return adverts;
    }

    public string Output => _tcpdump.Output;

    public void Dispose() => _tcpdump.Dispose();
}
