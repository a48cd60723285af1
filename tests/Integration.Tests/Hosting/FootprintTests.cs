using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Hosting;

/// <summary>
/// What a master with the seed's kind of configuration keeps mapped (issue 20 item 5, docs/benchmarks.md "Footprint"):
/// neither OpenSSL, which it needs for nothing here, nor a libpcap capture ring, which it never reads.
/// </summary>
public sealed class FootprintTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly DirectorLan _lan = new("lb1");
    private readonly List<ManagedProcess> _servers = [];

    public void Dispose()
    {
        foreach (var s in _servers)
        {
            s.Dispose();
        }
        _lan.Dispose();
    }

    [Fact]
    public void Master_WithAnHttpCheckedVirtualServer_MapsNeitherOpenSslNorACaptureRing()
    {
        var lb1 = _lan["lb1"];
        _servers.Add(new ManagedProcess("http@lb1", lb1.Namespace, "python3", ["-m", "http.server", "8080", "--bind", lb1.Address.ToString()]));
        var director = _lan.Start(lb1, DirectorProcess.VrrpConfig(51, 150, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()) + $$"""

            virtualServers:
              - name: web
                vip: {{Vip}}
                port: 80
                healthCheck: { type: http, path: /, port: 8080, interval: 1s, timeout: 500ms, rise: 1, fall: 1 }
                realServers:
                  - { address: {{lb1.Address}}, weight: 1 }
            """);
        var upChecks = $"hadirector_healthcheck_checks_total{{virtual_server=\"web\",real_server=\"{lb1.Address}:80\",result=\"up\"}}";
        Wait.Until(() => lb1.HasAddress(Vip), Bound, "lb1 master", () => director.Process.Output);
        // Without IPVS in the kernel the instance goes to Fault after two failed passes: the GARP is sent before.
        // A minute for the check: python's server may start slowly on a loaded machine.
        Wait.Until(() => director.Metric("hadirector_vrrp_garp_sent_total{instance=\"web\"}") >= 1 && director.Metric(upChecks) >= 1,
            TimeSpan.FromMinutes(1), "a gratuitous ARP sent and a check passed", () => director.Process.Output);

        var maps = File.ReadAllText($"/proc/{director.Process.Pid}/maps");

        Assert.DoesNotContain("libcrypto", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("libssl", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("libpcap", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("socket:[", maps, StringComparison.Ordinal);
    }

    /// <summary>HMAC adverts are signed by the daemon's own HMAC-SHA256 (Vrrp/Crypto), not OpenSSL's 4 MiB of libraries.</summary>
    [Fact]
    public void Master_SigningHmacAdverts_DoesNotMapOpenSsl()
    {
        var lb1 = _lan["lb1"];
        var config = DirectorProcess.VrrpConfig(51, 150, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()).Replace(
            "      virtualAddresses:",
            $"      authentication: {{ type: hmac, activeKey: 1, keys: [{{ id: 1, key: 'hex:{new string('7', 64)}' }}] }}\n      virtualAddresses:",
            StringComparison.Ordinal);
        var director = _lan.Start(lb1, config);
        Wait.Until(() => lb1.HasAddress(Vip), Bound, "lb1 master", () => director.Process.Output);
        Wait.Until(() => director.Metric("hadirector_vrrp_adverts_sent_total{instance=\"web\"}") >= 5, Bound,
            "five signed adverts sent", () => director.Process.Output);

        var maps = File.ReadAllText($"/proc/{director.Process.Pid}/maps");

        Assert.DoesNotContain("libcrypto", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("libssl", maps, StringComparison.Ordinal);
    }
}
