using System.Net;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Director.Tests.Metrics;
using HaDirector.Linux.Packets;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>An instance with <c>authentication.type: hmac</c>: signed adverts out, verified adverts in, reload rotation.</summary>
public sealed class VrrpHmacTests
{
    private const string Key1 = "director-test-key-one-0123456789abcdef";
    private const string Key2 = "director-test-key-two-0123456789abcdef";
    private static readonly IPAddress Peer = IPAddress.Parse("198.18.0.2");
    private static readonly IPAddress[] Vips = [IPAddress.Parse("198.18.0.100")];

    private static string Yaml(string authentication) => TestDirector.WebYaml.Replace(
        "      garp: { repeat: 2, interval: 100ms, refresh: 0s }",
        "      garp: { repeat: 2, interval: 100ms, refresh: 0s }\n      authentication: " + authentication,
        StringComparison.Ordinal);

    private static string Keys(int active, params (int Id, string Key)[] keys) =>
        $"{{ type: hmac, activeKey: {active}, keys: [{string.Join(", ", keys.Select(k => $"{{ id: {k.Id}, key: '{k.Key}' }}"))}] }}";

    private static VrrpHmacKey Key(byte id, string key) => new(id, System.Text.Encoding.ASCII.GetBytes(key));

    private static VrrpHmacAuthenticator PeerSigner(TimeProvider clock, byte id = 1, string key = Key1) =>
        new(new VrrpHmacSettings([Key(id, key)], id, VrrpHmacMode.Enforce, VrrpAntiReplay.Time, TimeSpan.FromSeconds(5)), clock);

    /// <summary>An advert from the peer, signed by <paramref name="signer"/> (null: no trailer).</summary>
    private static byte[] Advert(byte priority, VrrpHmacAuthenticator? signer, byte ttl = 255, IPAddress? destination = null)
    {
        destination ??= VrrpCodec.MulticastGroup;
        var packet = new VrrpPacket(VrrpVersion.V3, 51, priority, Vips, TimeSpan.FromSeconds(1));
        var message = VrrpCodec.Write(packet, Peer, destination);
        var trailer = new byte[VrrpHmacTrailer.Length];
        var trailerLength = signer?.Sign(message, trailer, Peer) ?? 0;
        var datagram = new byte[Ipv4Header.Length + message.Length + trailerLength];
        message.CopyTo(datagram, Ipv4Header.Length);
        trailer.AsSpan(0, trailerLength).CopyTo(datagram.AsSpan(Ipv4Header.Length + message.Length));
        Ipv4Header.Write(datagram, Peer, destination, VrrpCodec.IpProtocolNumber, message.Length + trailerLength, ttl, VrrpCodec.TypeOfService);
        return datagram;
    }

    private static async Task<double?> FailuresAsync(TestDirector director, string reason) =>
        (await Scrape.OfAsync(director.Registry)).Value($"hadirector_vrrp_auth_failures_total{{instance=\"web\",reason=\"{reason}\"}}");

    private static async Task<TestDirector> MasterAsync(string authentication, RecordingLoggerFactory? logs = null)
    {
        var director = new TestDirector(Yaml(authentication), loggers: logs);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        Assert.Equal(VrrpState.Master, director.Instance().Runtime.State);
        return director;
    }

    [Fact]
    public async Task SendAdvert_Enforce_EveryAdvertCarriesAVerifiableTrailer()
    {
        await using var director = await MasterAsync(Keys(1, (1, Key1)));
        for (var i = 0; i < 3; i++)
        {
            await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        await director.StopAsync();

        var sent = director.Kernel.Socket("eth0").SentBytes;
        var receiver = new VrrpHmacAuthenticator(
            new VrrpHmacSettings([Key(1, Key1)], 1, VrrpHmacMode.Enforce, VrrpAntiReplay.Time, TimeSpan.FromSeconds(5)), director.Time);
        Assert.True(sent.Count >= 4, $"{sent.Count} adverts sent");
        Assert.Equal(0, sent[^1][Ipv4Header.Length + 2]); // the resignation, priority 0, is signed too
        foreach (var datagram in sent)
        {
            var message = datagram.AsSpan(Ipv4Header.Length, 12);
            Assert.Equal(Ipv4Header.Length + 12 + VrrpHmacTrailer.Length, datagram.Length);
            Assert.Equal(VrrpHmacFailure.None, receiver.Verify(message, datagram.AsSpan(Ipv4Header.Length + 12), IPAddress.Parse("198.18.0.1")));
        }
    }

    private const string Ipv6Yaml = """
        vrrp:
          instances:
            - name: web6
              interface: eth1
              vrid: 51
              priority: 150
              advertInterval: 1s
              virtualAddresses: [2001:2::100]
              garp: { repeat: 2, interval: 100ms, refresh: 0s }
              authentication: { type: hmac, activeKey: 1, keys: [{ id: 1, key: 'director-test-key-one-0123456789abcdef' }] }
        """;

    private static readonly IPAddress Ipv6Peer = IPAddress.Parse("fe80::2");

    /// <summary>An IPv6 advert from fe80::2 as the IPv6 socket hands it over (rebuilt header, then message and trailer).</summary>
    private static byte[] Ipv6Advert(byte priority, VrrpHmacAuthenticator? signer, byte hopLimit = 255, IPAddress? destination = null)
    {
        destination ??= VrrpCodec.MulticastGroupV6;
        var packet = new VrrpPacket(VrrpVersion.V3, 51, priority, [IPAddress.Parse("2001:2::100")], TimeSpan.FromSeconds(1));
        var buffer = new byte[Ipv6Header.Length + VrrpCodec.GetMessageLength(packet) + VrrpHmacTrailer.Length];
        var length = VrrpCodec.Write(packet, Ipv6Peer, destination, buffer.AsSpan(Ipv6Header.Length));
        if (signer is not null)
        {
            length += signer.Sign(buffer.AsSpan(Ipv6Header.Length, length), buffer.AsSpan(Ipv6Header.Length + length), Ipv6Peer);
        }

        VrrpDatagramWriter.WriteHeader(Ipv6Peer, destination, buffer, length, hopLimit);
        return buffer[..(Ipv6Header.Length + length)];
    }

    private static async Task<TestDirector> Ipv6MasterAsync(string yaml = Ipv6Yaml)
    {
        var director = new TestDirector(yaml, k => k.AddInterface("eth1", "fe80::1/64", "2001:2::1/64"));
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        Assert.Equal(VrrpState.Master, director.Instance("web6").Runtime.State);
        return director;
    }

    [Fact]
    public async Task SendAdvert_Ipv6_TrailerVerifiesOverTheLinkLocalSource()
    {
        await using var director = await Ipv6MasterAsync();
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));

        var sent = director.Kernel.Socket("eth1", System.Net.Sockets.AddressFamily.InterNetworkV6).SentBytes;
        var receiver = PeerSigner(director.Time);
        Assert.NotEmpty(sent);
        foreach (var datagram in sent)
        {
            Assert.True(VrrpHmacTrailer.TryLocate(datagram, 8 + 16, out var message, out var trailer));
            Assert.Equal(VrrpHmacTrailer.Length, trailer.Length);
            Assert.Equal(VrrpHmacFailure.None, receiver.Verify(message, trailer, IPAddress.Parse("fe80::1")));
        }
    }

    [Fact]
    public async Task SendAdvert_Ipv6_ChecksumCoversTheTrailerAsKeepalivedsKernelChecksIt()
    {
        // keepalived 2.4's kernel (IPV6_CHECKSUM) verifies the checksum over the whole payload and drops the advert otherwise.
        await using var director = await Ipv6MasterAsync();
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));

        var sent = director.Kernel.Socket("eth1", System.Net.Sockets.AddressFamily.InterNetworkV6).SentBytes;
        Assert.NotEmpty(sent);
        foreach (var datagram in sent)
        {
            Assert.Equal(Ipv6Header.Length + 8 + 16 + VrrpHmacTrailer.Length, datagram.Length);
            Assert.Equal(0, InternetChecksum.OverIpv6(datagram.AsSpan(8, 16), datagram.AsSpan(24, 16), VrrpCodec.IpProtocolNumber,
                datagram.AsSpan(Ipv6Header.Length)));
        }
    }

    [Fact]
    public async Task Dispatch_Ipv6ChecksumOverMessageAndTrailer_Accepted()
    {
        // keepalived 2.4.3's form (Vrrp.Tests/Fixtures/hmac-v6-*.hex): the checksum sums the trailer too.
        await using var director = await Ipv6MasterAsync();
        var advert = Ipv6Advert(250, PeerSigner(director.Time));
        var payload = advert.AsSpan(Ipv6Header.Length);
        VrrpHmacIpv6Checksum.Cover(payload, Ipv6Peer, VrrpCodec.MulticastGroupV6);

        director.Kernel.Socket("eth1", System.Net.Sockets.AddressFamily.InterNetworkV6).Deliver(advert);
        await director.SettleAsync();

        Assert.Equal(VrrpState.Backup, director.Instance("web6").Runtime.State);
    }

    [Fact]
    public async Task Dispatch_Ipv6_SignedHigherPriorityAcceptedUnsignedDroppedAsMissingTrailer()
    {
        await using var director = await Ipv6MasterAsync();
        var socket = director.Kernel.Socket("eth1", System.Net.Sockets.AddressFamily.InterNetworkV6);

        socket.Deliver(Ipv6Advert(250, signer: null));
        await director.SettleAsync();
        Assert.Equal(VrrpState.Master, director.Instance("web6").Runtime.State);
        Assert.Equal(1, (await Scrape.OfAsync(director.Registry)).Value(
            "hadirector_vrrp_auth_failures_total{instance=\"web6\",reason=\"missing_trailer\"}"));

        socket.Deliver(Ipv6Advert(250, PeerSigner(director.Time)));
        await director.SettleAsync();
        Assert.Equal(VrrpState.Backup, director.Instance("web6").Runtime.State);
        Assert.Equal(Ipv6Peer, director.Instance("web6").Runtime.Hmac!.LastVerified?.Source);
    }

    [Theory]
    [InlineData(true, true, VrrpState.Backup)]
    [InlineData(true, false, VrrpState.Master)]
    [InlineData(false, true, VrrpState.Master)]
    public async Task Dispatch_Ipv6UnicastHopLimit64_AcceptedOnlyWithOptInAndTrailer(bool optIn, bool withTrailer, VrrpState expected)
    {
        // keepalived 2.4.3 sends IPv6 unicast with hop limit 64 (Vrrp.Tests/Fixtures/hmac-v6-unicast-*.hex).
        var yaml = Ipv6Yaml
            .Replace("type: hmac,", $"type: hmac, acceptRoutedUnicast: {(optIn ? "true" : "false")},", StringComparison.Ordinal)
            .Replace("      virtualAddresses:", "      unicastPeers: [fe80::2]\n      virtualAddresses:", StringComparison.Ordinal);
        await using var director = await Ipv6MasterAsync(yaml);

        director.Kernel.Socket("eth1", System.Net.Sockets.AddressFamily.InterNetworkV6)
            .Deliver(Ipv6Advert(250, withTrailer ? PeerSigner(director.Time) : null, hopLimit: 64, destination: IPAddress.Parse("fe80::1")));
        await director.SettleAsync();

        Assert.Equal(expected, director.Instance("web6").Runtime.State);
    }

    [Fact]
    public async Task SendAdvert_ReceiveOnly_NoTrailer()
    {
        await using var director = await MasterAsync(Keys(1, (1, Key1)).Replace("type: hmac", "type: hmac, mode: receiveOnly", StringComparison.Ordinal));

        Assert.All(director.Kernel.Socket("eth0").SentBytes, d => Assert.Equal(Ipv4Header.Length + 12, d.Length));
    }

    [Fact]
    public async Task Dispatch_SignedHigherPriority_Accepted()
    {
        await using var director = await MasterAsync(Keys(1, (1, Key1)));

        director.Kernel.Socket("eth0").Deliver(Advert(250, PeerSigner(director.Time)));
        await director.SettleAsync();

        Assert.Equal(VrrpState.Backup, director.Instance().Runtime.State);
        Assert.Equal(Peer, director.Instance().Runtime.Hmac!.LastVerified?.Source);
    }

    [Theory]
    [InlineData("missing_trailer")]
    [InlineData("bad_hmac")]
    [InlineData("unknown_key")]
    public async Task Dispatch_ForgedPriority255_NoStateChangeAndCountedByReason(string reason)
    {
        await using var director = await MasterAsync(Keys(1, (1, Key1)));
        var signer = reason switch
        {
            "missing_trailer" => null,
            "bad_hmac" => PeerSigner(director.Time, 1, "attacker-guess-of-the-key-0123456789"),
            _ => PeerSigner(director.Time, 9, Key1),
        };

        director.Kernel.Socket("eth0").Deliver(Advert(255, signer));
        await director.SettleAsync();

        Assert.Equal(VrrpState.Master, director.Instance().Runtime.State);
        Assert.Equal(1, await FailuresAsync(director, reason));
        Assert.Equal(0, director.Instance().Driver.GetStatistics().AdvertsReceived);
    }

    [Fact]
    public async Task Dispatch_ReplayedPriority0_CountedAndIgnored()
    {
        await using var director = new TestDirector(Yaml(Keys(1, (1, Key1))));
        await director.StartAsync();
        var signer = PeerSigner(director.Time);
        var socket = director.Kernel.Socket("eth0");
        socket.Deliver(Advert(200, signer));
        await director.AdvanceAsync(TimeSpan.FromMilliseconds(500));
        var resign = Advert(0, signer);
        socket.Deliver(Advert(200, signer));
        await director.AdvanceAsync(TimeSpan.FromMilliseconds(500));

        // A priority 0 captured earlier, sent after newer adverts: it would force an election.
        socket.Deliver(resign);
        await director.SettleAsync();

        Assert.Equal(VrrpState.Backup, director.Instance().Runtime.State);
        Assert.Equal(1, await FailuresAsync(director, "replayed"));
    }

    [Fact]
    public async Task Dispatch_CaptureOutsideTheWindow_Stale()
    {
        await using var director = new TestDirector(Yaml(Keys(1, (1, Key1))));
        await director.StartAsync();
        var captured = Advert(250, PeerSigner(director.Time));

        await director.AdvanceAsync(TimeSpan.FromSeconds(3));
        director.Kernel.Socket("eth0").Deliver(Advert(100, PeerSigner(director.Time)));
        await director.AdvanceAsync(TimeSpan.FromSeconds(3));
        director.Kernel.Socket("eth0").Deliver(captured);
        await director.SettleAsync();

        Assert.Equal(1, await FailuresAsync(director, "stale"));
    }

    [Fact]
    public async Task Reload_KeyRotation_NoTransitionAndNewKeyUsed()
    {
        await using var director = await MasterAsync(Keys(1, (1, Key1)));
        var transitions = director.Instance().Driver.GetStatistics().Transitions;

        foreach (var step in new[] { Keys(1, (1, Key1), (2, Key2)), Keys(2, (1, Key1), (2, Key2)), Keys(2, (2, Key2)) })
        {
            director.WriteConfig(Yaml(step));
            var response = await director.Reloader.ReloadAsync("test");
            Assert.True(response.ExitCode == 0, response.Message);
            await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(transitions, director.Instance().Driver.GetStatistics().Transitions);
        Assert.Equal(VrrpState.Master, director.Instance().Runtime.State);
        var last = director.Kernel.Socket("eth0").SentBytes[^1];
        Assert.Equal(2, last[Ipv4Header.Length + 12 + 1]);
        Assert.Equal(2, (await Scrape.OfAsync(director.Registry)).Value("hadirector_vrrp_auth_active_key_id{instance=\"web\"}"));
    }

    [Fact]
    public async Task Status_MetricsAndLogs_ShowKeyIdsNeverTheKey()
    {
        var logs = new RecordingLoggerFactory();
        await using var director = await MasterAsync(Keys(1, (1, Key1)), logs);
        director.Kernel.Socket("eth0").Deliver(Advert(255, PeerSigner(director.Time, 1, "attacker-guess-of-the-key-0123456789")));
        director.Kernel.Socket("eth0").Deliver(Advert(100, PeerSigner(director.Time)));
        await director.SettleAsync();

        var report = await director.Status.BuildAsync(CancellationToken.None);
        var json = System.Text.Json.JsonSerializer.Serialize(report, ControlJsonContext.Default.StatusReport);
        var text = StatusFormatter.Format(report, director.Time.GetUtcNow());
        var scrape = (await Scrape.OfAsync(director.Registry)).Text;

        var status = report.Instances.Single().Authentication!;
        Assert.Equal(1, status.ActiveKeyId);
        Assert.Equal("198.18.0.2", status.LastVerifiedPeer);
        Assert.Equal(1, status.Failures["bad_hmac"]);
        Assert.Contains(logs.Logger.Entries, e => e.Id.Id == 1370 && e.Message.Contains("bad_hmac", StringComparison.Ordinal));
        foreach (var output in new[] { json, text, scrape, string.Join("\n", logs.Logger.Entries.Select(e => e.Message)) })
        {
            Assert.DoesNotContain(Key1, output, StringComparison.Ordinal);
            Assert.DoesNotContain("director-test-key", output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(true, true, VrrpState.Backup)]
    [InlineData(false, true, VrrpState.Master)]
    [InlineData(true, false, VrrpState.Master)]
    public async Task Dispatch_UnicastTtl64_AcceptedOnlyOptedInAndSigned(bool optIn, bool withTrailer, VrrpState expected)
    {
        var yaml = Yaml(Keys(1, (1, Key1)).Replace("type: hmac", $"type: hmac, acceptRoutedUnicast: {(optIn ? "true" : "false")}", StringComparison.Ordinal))
            .Replace("      virtualAddresses:", "      unicastPeers: [198.18.0.2]\n      virtualAddresses:", StringComparison.Ordinal);
        await using var director = new TestDirector(yaml);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);

        director.Kernel.Socket("eth0").Deliver(Advert(250, withTrailer ? PeerSigner(director.Time) : null, ttl: 64, destination: IPAddress.Parse("198.18.0.1")));
        await director.SettleAsync();

        Assert.Equal(expected, director.Instance().Runtime.State);
        if (optIn && !withTrailer)
        {
            Assert.Equal(1, await FailuresAsync(director, "missing_trailer"));
        }
    }

    [Theory]
    [InlineData("acceptRoutedUnicast: false", "198.18.0.2")]
    [InlineData("acceptRoutedUnicast: true", "198.18.0.3")]
    public async Task Dispatch_UnicastTtl64AfterReloadWithdrawsItsAcceptance_Refused(string optIn, string peer)
    {
        // The routed validator is built with the routing, not per advert: a reload that drops the opt-in or the
        // sender's peer must replace it.
        static string RoutedYaml(string optIn, string peer) =>
            Yaml(Keys(1, (1, Key1)).Replace("type: hmac", $"type: hmac, {optIn}", StringComparison.Ordinal))
                .Replace("      virtualAddresses:", $"      unicastPeers: [{peer}]\n      virtualAddresses:", StringComparison.Ordinal);
        await using var director = new TestDirector(RoutedYaml("acceptRoutedUnicast: true", "198.18.0.2"));
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        director.WriteConfig(RoutedYaml(optIn, peer));
        var response = await director.Reloader.ReloadAsync("test");
        Assert.True(response.ExitCode == 0, response.Message);

        director.Kernel.Socket("eth0").Deliver(Advert(250, PeerSigner(director.Time), ttl: 64, destination: IPAddress.Parse("198.18.0.1")));
        await director.SettleAsync();

        Assert.Equal(VrrpState.Master, director.Instance().Runtime.State);
    }
}
