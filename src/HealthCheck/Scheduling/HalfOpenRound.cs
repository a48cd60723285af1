using System.Net;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// A half-open target's SYN, made once and sent again every round by <see cref="HalfOpenRounds"/>: the engine
/// gives it a source port and ISN each time; the first of its reply, timeout or send error claims it.
/// </summary>
/// <param name="resolve">Finds the source a connect would use (tests count the lookups); <see cref="HalfOpenProbe.LocalSource"/> by default.</param>
internal sealed class HalfOpenRound(HealthTarget target, HalfOpenRounds lane, ProbeEndpoint endpoint, Func<ProbeEndpoint, IPAddress>? resolve = null)
    : ScheduledRound(target), ISynInFlight
{
    /// <summary>While a target keeps failing, its source is looked up again at most this often.</summary>
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(5);

    private readonly UInt128 _address = SynAddress.TryFrom(endpoint.Target.Address, out var address) ? address : 0;
    private readonly ushort _port = (ushort)endpoint.Target.Port;
    private readonly Func<ProbeEndpoint, IPAddress> _resolve = resolve ?? HalfOpenProbe.LocalSource;
    private UInt128? _source;
    private TimeSpan _resolvedAt;
    private bool _failing;
    private int _claimed;

    public ProbeEndpoint Endpoint => endpoint;

    public UInt128 Source => _source ?? 0;

    public UInt128 TargetAddress => _address;

    public ushort TargetPort => _port;

    public ushort LocalPort { get; set; }

    public uint Isn { get; set; }

    public bool Claimed => Volatile.Read(ref _claimed) != 0;

    /// <summary>When this attempt was sent, on the lane's clock: the result's latency.</summary>
    public long Started { get; set; }

    public bool Ipv4 => SynAddress.IsIpv4(_address);

    /// <summary>Source lookups so far (one per socket, bind, connect and close of a UDP socket).</summary>
    public int Resolutions { get; private set; }

    /// <summary>
    /// The source a connect would use, found once and again after <see cref="Answered"/> let it go. Throws what
    /// the lookup throws (the address is not ours).
    /// </summary>
    /// <param name="now">The lane's time.</param>
    public void ResolveSource(TimeSpan now)
    {
        if (_source is not null)
        {
            return;
        }

        Resolutions++;
        _resolvedAt = now;
        if (SynAddress.TryFrom(_resolve(endpoint), out var local))
        {
            _source = local;
        }
    }

    /// <summary>
    /// After each attempt: an answer (up, or a reset from the server) came back to this source, so it is right. Any
    /// other failure may be a route or an address that moved: the first one after an answer looks the source up again
    /// at the next attempt; while the target keeps failing, at most every <see cref="RecheckEvery"/>. A lookup is a UDP
    /// socket's socket, bind, connect and close: thousands of silent targets checked every second paid them all every
    /// second.
    /// </summary>
    public void Answered(in ProbeResult result, TimeSpan now)
    {
        if (result.Up || result.Reason == ProbeReasons.Refused)
        {
            _failing = false;
            return;
        }

        if (!_failing || now - _resolvedAt >= RecheckEvery)
        {
            _source = null;
        }

        _failing = true;
    }

    /// <summary>Makes the round claimable again for its next attempt.</summary>
    public void Arm() => Volatile.Write(ref _claimed, 0);

    public void Complete(ProbeResult result)
    {
        if (Interlocked.Exchange(ref _claimed, 1) == 0)
        {
            lane.Complete(this, result);
        }
    }

    /// <summary>Claims it without an answer (the lane stopped); false if an answer came first.</summary>
    public bool TryAbandon() => Interlocked.Exchange(ref _claimed, 1) == 0;
}
