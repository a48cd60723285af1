using System.Globalization;
using System.Net;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>
/// Debian's keepalived 2.2.7 as a VRRP-only peer in a namespace (DESIGN.md §5). <c>topLevel</c> and
/// <c>instanceExtra</c> are keepalived.conf text added at the top level (a <c>vrrp_script</c>) and in the instance (a
/// <c>track_script</c>). <c>addressBlocks</c>, when given, replaces the instance's <c>virtual_ipaddress</c> block
/// (addresses with <c>dev</c> and <c>label</c>, a <c>virtual_ipaddress_excluded</c> block).
/// </summary>
public sealed class KeepalivedPeer : IDisposable
{
    private readonly string _dir;

    public KeepalivedPeer(LanHost host, int vrid, int priority, int version, TimeSpan advertInterval,
        IPAddress vip, bool preempt = true, string topLevel = "", string instanceExtra = "", string? addressBlocks = null)
    {
        Host = host;
        _dir = Directory.CreateTempSubdirectory("hd-keepalived-").FullName;
        var conf = Path.Combine(_dir, "keepalived.conf");
        File.WriteAllText(conf, Config(host, vrid, priority, version, advertInterval, vip, topLevel,
            (preempt ? "" : "nopreempt") + "\n" + instanceExtra, addressBlocks));
        Process = new ManagedProcess("keepalived@" + host.Name, host.Namespace, "keepalived",
            ["--vrrp", "-n", "-l", "-D", "-f", conf, "-p", Path.Combine(_dir, "k.pid"), "-r", Path.Combine(_dir, "v.pid")]);
    }

    public LanHost Host { get; }

    /// <summary>keepalived.conf for one VRRP instance in BACKUP state on eth0 (both keepalived versions).</summary>
    internal static string Config(LanHost host, int vrid, int priority, int version, TimeSpan advertInterval, IPAddress vip,
        string topLevel, string instanceExtra, string? addressBlocks = null)
    {
        var interval = version == 2
            ? ((int)advertInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture)
            : advertInterval.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture);
        var addresses = addressBlocks ?? $$"""
            virtual_ipaddress {
                {{vip}}/{{(vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32)}} dev eth0
            }
            """;
        return $$"""
            global_defs {
                router_id {{host.Name}}
                vrrp_garp_master_delay 5
            }
            {{topLevel}}
            vrrp_instance VI_{{vrid}} {
                state BACKUP
                interface eth0
                virtual_router_id {{vrid}}
                priority {{priority}}
                version {{version}}
                advert_int {{interval}}
                {{instanceExtra}}
                {{addresses}}
            }
            """;
    }

    public ManagedProcess Process { get; }

    public void Dispose()
    {
        Process.Dispose();
        // keepalived removes its VIP on SIGTERM but not on SIGKILL; leave no state behind either way.
        Directory.Delete(_dir, recursive: true);
    }
}
