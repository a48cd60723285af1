using System.Net;
using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

public sealed class AnnounceConfigTests
{
    /// <summary>docs/scale-out.md's director: two announced VIPs, no VRRP instance, a tracker.</summary>
    private const string Example = """
        vrrp:
          trackers:
            - { name: uplink, type: interface, interface: eth1 }
        announce:
          table: 200
          protocol: 201
          holdDown: 20s
          stopGrace: 5s
          localRoute: true
          vips:
            - { address: 198.18.10.80, minHealthy: 2, track: [uplink] }
            - { address: 198.18.10.81 }
        virtualServers:
          - name: web
            vip: 198.18.10.80
            port: 80
            scheduler: mh
            realServers: [{ address: 198.18.20.1 }, { address: 198.18.20.2 }]
          - { name: dns, vip: 198.18.10.81, port: 53, protocol: udp, scheduler: mh, realServers: [{ address: 198.18.20.1 }] }
        """;

    [Fact]
    public void LoadFromText_AnnounceWithoutVrrpInstances_ReadsEveryKey()
    {
        var result = ConfigLoader.LoadFromText(Example, "t.yaml");

        Assert.Empty(result.Errors);
        Assert.Equal(
            new AnnounceConfig
            {
                Table = 200,
                Protocol = 201,
                HoldDown = TimeSpan.FromSeconds(20),
                StopGrace = TimeSpan.FromSeconds(5),
                LocalRoute = true,
                Vips =
                [
                    new AnnouncedVipConfig { Address = IPAddress.Parse("198.18.10.80"), MinHealthy = 2, Track = ["uplink"] },
                    new AnnouncedVipConfig { Address = IPAddress.Parse("198.18.10.81") },
                ],
            },
            result.Config!.Announce);
        Assert.Empty(result.Config.Vrrp.Instances);
    }

    [Fact]
    public void LoadFromText_OnlyVips_TakesTheDefaults()
    {
        var result = ConfigLoader.LoadFromText("announce:\n  vips: [{ address: 198.18.10.80 }]\n", "t.yaml");

        Assert.Empty(result.Errors);
        var announce = result.Config!.Announce!;
        Assert.Equal((AnnounceConfig.DefaultTable, AnnounceConfig.DefaultProtocol), (announce.Table, announce.Protocol));
        Assert.False(announce.LocalRoute);
        Assert.Equal(1, announce.Vips[0].MinHealthy);
    }

    public static TheoryData<string, string, string[]> Invalid => new()
    {
        {
            "a scheduler that is not consistent across directors",
            "announce:\n  vips: [{ address: 198.18.10.80 }]\nvirtualServers:\n  - { name: web, vip: 198.18.10.80, port: 80, scheduler: wlc, realServers: [{ address: 198.18.20.1 }] }\n",
            ["t.yaml:4:58: virtualServers[0].scheduler: 198.18.10.80 is announced (announce.vips), so every director serves it and the router spreads flows over them: "
                + "the scheduler must map a flow to the same real server on every director; 'wlc' does not. Use 'mh' (Maglev): its table depends only on the "
                + "real servers and the order they were added in, which hadirector keeps the same on every director (sorted by address and port); "
                + "'sh' and 'dh' move most flows on any change of that order or of a real server"]
        },
        {
            "sh is refused too",
            "announce:\n  vips: [{ address: 198.18.10.80 }]\nvirtualServers:\n  - { name: web, vip: 198.18.10.80, port: 80, scheduler: sh, realServers: [{ address: 198.18.20.1 }] }\n",
            ["t.yaml:4:58: virtualServers[0].scheduler: 198.18.10.80 is announced (announce.vips), so every director serves it and the router spreads flows over them: "
                + "the scheduler must map a flow to the same real server on every director; 'sh' does not. Use 'mh' (Maglev): its table depends only on the "
                + "real servers and the order they were added in, which hadirector keeps the same on every director (sorted by address and port); "
                + "'sh' and 'dh' move most flows on any change of that order or of a real server"]
        },
        {
            "a VIP both announced and a VRRP instance's",
            """
            vrrp:
              instances:
                - { name: web, interface: eth0, vrid: 51, priority: 150, virtualAddresses: [198.18.10.80/32] }
            announce:
              vips: [{ address: 198.18.10.80 }]
            """,
            ["t.yaml:5:21: announce.vips[0].address: 198.18.10.80 is also a virtual address of VRRP instance 'web': a VIP is held either by VRRP or by announcing it, not both"]
        },
        {
            "an unknown tracker",
            "announce:\n  vips: [{ address: 198.18.10.80, track: [uplink] }]\n",
            ["t.yaml:2:43: announce.vips[0].track[0]: no tracker is named 'uplink' in vrrp.trackers (none is defined)"]
        },
        {
            "a repeated VIP",
            "announce:\n  vips: [{ address: 198.18.10.80 }, { address: 198.18.10.80 }]\n",
            ["t.yaml:2:48: announce.vips[1].address: 198.18.10.80 is already announced at announce.vips[0]"]
        },
        {
            "the main table",
            "announce:\n  table: 254\n  vips: [{ address: 198.18.10.80 }]\n",
            ["t.yaml:2:10: announce.table: 254 is the kernel's main table; give a table of its own (1..252 or 256 and up), which only the routing daemon reads"]
        },
        {
            "a kernel route protocol",
            "announce:\n  protocol: 4\n  vips: [{ address: 198.18.10.80 }]\n",
            ["t.yaml:2:13: announce.protocol: 4 is one of the kernel's own route protocols (0..4); give 5..255, one no other program uses (see /etc/iproute2/rt_protos)"]
        },
        {
            "a routing daemon of another kind",
            "announce:\n  routingDaemon: { type: gobgp }\n  vips: [{ address: 198.18.10.80 }]\n",
            ["t.yaml:2:26: announce.routingDaemon.type: expected one of bird, frr, got 'gobgp'"]
        },
        {
            "a routing daemon read that outlasts its interval",
            "announce:\n  routingDaemon: { type: bird, interval: 2s, timeout: 5s }\n  vips: [{ address: 198.18.10.80 }]\n",
            ["t.yaml:2:55: announce.routingDaemon.timeout: must not be longer than interval (2s)"]
        },
        {
            "no VIPs",
            "announce:\n  table: 200\n",
            ["t.yaml:2:3: announce.vips: needs at least one VIP"]
        },
        {
            "a virtual server on an address neither announced nor VRRP's",
            "announce:\n  vips: [{ address: 198.18.10.80 }]\nvirtualServers:\n  - { name: web, vip: 198.18.10.99, port: 80, scheduler: mh, realServers: [{ address: 198.18.20.1 }] }\n",
            ["t.yaml:4:23: virtualServers[0].vip: 198.18.10.99 is not a virtual address of any VRRP instance (there are no VRRP instances and it is not in announce.vips)"]
        },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void LoadFromText_InvalidAnnounce_ReportsWithFileLine(string why, string yaml, string[] expected)
    {
        var result = ConfigLoader.LoadFromText(yaml, "t.yaml");

        Assert.True(expected.SequenceEqual(result.Errors.Select(e => e.ToString())), $"{why}:\n{string.Join("\n", result.Errors)}");
    }

    [Fact]
    public void LoadFromText_RoutingDaemon_ReadsEveryKeyAndDefaults()
    {
        var bird = ConfigLoader.LoadFromText("announce:\n  routingDaemon: { type: bird }\n  vips: [{ address: 198.18.10.80 }]\n", "t.yaml");
        var frr = ConfigLoader.LoadFromText(
            "announce:\n  routingDaemon: { type: frr, socket: /run/frr/ns1, interval: 10s, timeout: 3s }\n  vips: [{ address: 198.18.10.80 }]\n", "t.yaml");

        Assert.Empty(bird.Errors);
        Assert.Empty(frr.Errors);
        Assert.Equal(new RoutingDaemonConfig(), bird.Config!.Announce!.RoutingDaemon);
        Assert.Equal("/run/bird/bird.ctl", bird.Config.Announce.RoutingDaemon!.EffectiveSocket);
        Assert.Equal(
            new RoutingDaemonConfig { Type = RoutingDaemonType.Frr, Socket = "/run/frr/ns1", Interval = TimeSpan.FromSeconds(10), Timeout = TimeSpan.FromSeconds(3) },
            frr.Config!.Announce!.RoutingDaemon);
        Assert.Null(ConfigLoader.LoadFromText("announce:\n  vips: [{ address: 198.18.10.80 }]\n", "t.yaml").Config!.Announce!.RoutingDaemon);
    }

    [Fact]
    public void LoadFromText_Ipv6Vip_Accepted()
    {
        var result = ConfigLoader.LoadFromText("""
            announce:
              vips: [{ address: "2001:db8:10::80" }]
            virtualServers:
              - { name: web6, vip: "2001:db8:10::80", port: 80, scheduler: mh, realServers: [{ address: "2001:db8:1::1" }] }
            """, "t.yaml");

        Assert.Empty(result.Errors);
        Assert.Equal(IPAddress.Parse("2001:db8:10::80"), result.Config!.Announce!.Vips[0].Address);
    }
}
