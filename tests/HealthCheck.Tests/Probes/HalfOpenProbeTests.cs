using System.Buffers.Binary;
using System.Net;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Tests.Support;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Packets;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.HealthCheck.Tests.Probes;

/// <summary>Against real listeners on loopback; needs CAP_NET_RAW (tests run as root). Each test has an engine of its own.</summary>
public sealed class HalfOpenProbeTests : IDisposable
{
    /// <summary>A bound, not a figure under test: timeouts are tested on a fake clock; the machine may be loaded.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly HalfOpenEngine _engine = new();
    private readonly ConnectEngine _connect = new();

    public void Dispose()
    {
        _engine.Dispose();
        _connect.Dispose();
    }

    [Fact]
    public async Task ProbeAsync_Listening_UpAndTheApplicationNeverAcceptsAConnection()
    {
        await using var server = LoopbackServer.Start((_, _) => Task.CompletedTask);
        using var runner = new ProbeRunner(TimeProvider.System);

        var halfOpen = await runner.RunAsync(new HalfOpenProbe(new ProbeEndpoint(server.EndPoint), _engine), Timeout);
        var full = await runner.RunAsync(new TcpProbe(new ProbeEndpoint(server.EndPoint), _connect), Timeout);
        var second = await runner.RunAsync(new TcpProbe(new ProbeEndpoint(server.EndPoint), _connect), Timeout);

        Assert.Equal((true, ProbeReasons.SynAcked), (halfOpen.Up, halfOpen.Reason));
        Assert.True(full.Up && second.Up, full.Reason);

        // The accept queue is first in, first out, and the server records accepts in order: had the SYN-ACK been
        // answered with an ACK, the half-open probe's connection would be recorded before the two full connects.
        Eventually.True(() => server.Accepted.Count >= 2, "both full connects accepted");
        Assert.Equal(2, server.Accepted.Count);

        // Our kernel's reset to the SYN-ACK removed the half-open connection; without it the listener would keep
        // it in SYN-RECV for about a minute, resending the SYN-ACK.
        Eventually.True(() => HalfOpenConnections(server.EndPoint) == 0, "no SYN-RECV left on the listener");
    }

    [Fact]
    public async Task ProbeAsync_NothingListens_DownRefused()
    {
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new HalfOpenProbe(new ProbeEndpoint(LoopbackServer.Closed()), _engine), Timeout);

        Assert.Equal((false, ProbeReasons.Refused), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_SynDropped_TimesOutOnTheInjectedClock()
    {
        // The listener's accept queue is full, so its kernel drops the SYN: no answer at all, as from a blackhole.
        await using var server = LoopbackServer.Blackhole();
        var time = new FakeTimeProvider();
        using var runner = new ProbeRunner(time);

        var pending = runner.RunAsync(new HalfOpenProbe(new ProbeEndpoint(server.EndPoint), _engine), Timeout);
        Eventually.True(() => _engine.SynsSent == 1, "the SYN sent");
        Assert.False(pending.IsCompleted);
        time.Advance(Timeout);
        var result = await pending;

        Assert.Equal((false, ProbeReasons.TimedOut, Timeout), (result.Up, result.Reason, result.Latency));
        Eventually.True(() => _engine.Pending == 0, "the timed-out SYN forgotten");
    }

    [Fact]
    public async Task ProbeAsync_ForgedResetsWithTheWrongAck_Ignored()
    {
        await using var server = LoopbackServer.Blackhole();
        var time = new FakeTimeProvider();
        using var runner = new ProbeRunner(time);
        var pending = runner.RunAsync(new HalfOpenProbe(new ProbeEndpoint(server.EndPoint), _engine), Timeout);
        Eventually.True(() => _engine.SynsSent == 1, "the SYN sent");

        // RST-ACKs from the probed address and port to every port the engine sends from, none acknowledging its ISN.
        var (first, last) = _engine.Ports;
        using var forger = LinuxSocket.Open(LinuxConstants.AfInet, LinuxConstants.SockRaw, LinuxConstants.IpProtoTcp);
        LinuxSocket.SetOption(forger, LinuxConstants.SolIp, LinuxConstants.IpHdrIncl, 1, "IP_HDRINCL");
        for (var port = first; port <= last; port++)
        {
            forger.SendTo(ForgedReset(server.EndPoint, port, (uint)Random.Shared.Next()), new IPEndPoint(IPAddress.Loopback, 0));
        }

        Eventually.True(() => _engine.RepliesRead >= last - first + 1, "every forged reset read by the engine");
        Assert.False(pending.IsCompleted, "a forged reset was taken for the answer");
        time.Advance(Timeout);
        Assert.Equal(ProbeReasons.TimedOut, (await pending).Reason);
    }

    [Fact]
    public async Task ProbeAsync_ManyAtOnceOverOpenClosedAndDropped_EachGetsItsOwnAnswer()
    {
        await using var open = LoopbackServer.Start((_, _) => Task.CompletedTask);
        await using var dropped = LoopbackServer.Blackhole();
        var closed = LoopbackServer.Closed();
        var targets = new[] { (open.EndPoint, ProbeReasons.SynAcked), (closed, ProbeReasons.Refused), (dropped.EndPoint, ProbeReasons.TimedOut) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        // 40 probes of each target in flight together: the same target's probes differ only in source port and ISN.
        var probes = Enumerable.Range(0, 120).Select(i => targets[i % 3]).ToArray();
        var results = await Task.WhenAll(probes.Select(t => new HalfOpenProbe(new ProbeEndpoint(t.Item1), _engine).ProbeAsync(timeout.Token).AsTask()));

        Assert.Equal(probes.Select(t => $"{t.Item1}: {t.Item2}"), results.Select((r, i) => $"{probes[i].Item1}: {r.Reason}"));
        Assert.Empty(open.Accepted);
        Eventually.True(() => _engine.Pending == 0, "no SYN left pending");
    }

    [Fact]
    public async Task ProbeAsync_SourceAddressNotLocal_DownWithTheKernelsReason()
    {
        await using var server = LoopbackServer.Start((_, _) => Task.CompletedTask);
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new HalfOpenProbe(new ProbeEndpoint(server.EndPoint, IPAddress.Parse("198.51.100.7")), _engine), Timeout);

        Assert.False(result.Up);
        Assert.NotEqual(ProbeReasons.TimedOut, result.Reason);
    }

    [Fact]
    public async Task ProbeAsync_Ipv6Listening_UpAndTheApplicationNeverAcceptsAConnection()
    {
        await using var server = LoopbackServer.StartIpv6((_, _) => Task.CompletedTask);
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new HalfOpenProbe(new ProbeEndpoint(server.EndPoint), _engine), Timeout);

        Assert.Equal((true, ProbeReasons.SynAcked), (result.Up, result.Reason));
        Assert.Empty(server.Accepted);
        Eventually.True(() => _engine.Pending == 0, "the answered SYN forgotten");
    }

    [Fact]
    public async Task ProbeAsync_Ipv6NothingListens_DownRefused()
    {
        using var runner = new ProbeRunner(TimeProvider.System);
        var closed = LoopbackServer.Closed();

        var result = await runner.RunAsync(new HalfOpenProbe(new ProbeEndpoint(new IPEndPoint(IPAddress.IPv6Loopback, closed.Port)), _engine), Timeout);

        Assert.Equal((false, ProbeReasons.Refused), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_Ipv4SourceForAnIpv6Target_DownSayingSo()
    {
        var result = await _engine.ProbeAsync(new IPEndPoint(IPAddress.IPv6Loopback, 80), IPAddress.Loopback, CancellationToken.None);

        Assert.Equal((false, ProbeReasons.MixedFamilies), (result.Up, result.Reason));
    }

    /// <summary>Request sockets in SYN-RECV (state 03) on this local end point, from /proc/net/tcp.</summary>
    private static int HalfOpenConnections(IPEndPoint local)
    {
        // local_address is the address's bytes printed as a native (little-endian) number, then the port.
        var address = BinaryPrimitives.ReadUInt32LittleEndian(local.Address.GetAddressBytes());
        var key = $"{address:X8}:{local.Port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f[1] == key && f[3] == "03");
    }

    private static byte[] ForgedReset(IPEndPoint from, ushort toPort, uint ack)
    {
        var packet = new byte[SynSegment.Length];
        var source = from.Address.GetAddressBytes();
        byte[] destination = [127, 0, 0, 1];
        SynSegment.Write(packet, source, destination, (ushort)from.Port, toPort, 0, 0);
        var tcp = packet.AsSpan(SynSegment.Ipv4HeaderLength);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], ack);
        tcp[13] = SynSegment.Rst | SynSegment.Ack;
        tcp[16] = tcp[17] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], InternetChecksum.Tcp(source, destination, tcp));
        return packet;
    }
}
