using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// A half-open target's SYN, made once and sent again every round by <see cref="HalfOpenRounds"/>: the engine
/// gives it a source port and ISN each time; the first of its reply, timeout or send error claims it.
/// </summary>
internal sealed class HalfOpenRound(HealthTarget target, HalfOpenRounds lane, ProbeEndpoint endpoint) : ScheduledRound(target), ISynInFlight
{
    private readonly UInt128 _address = SynAddress.TryFrom(endpoint.Target.Address, out var address) ? address : 0;
    private readonly ushort _port = (ushort)endpoint.Target.Port;
    private UInt128? _source;
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

    /// <summary>
    /// The source a connect would use, found once and again after a failure (a route or an address may have
    /// moved), as <see cref="HalfOpenProbe"/> does. Throws what the lookup throws (the address is not ours).
    /// </summary>
    public void ResolveSource()
    {
        if (_source is null && SynAddress.TryFrom(HalfOpenProbe.LocalSource(endpoint), out var local))
        {
            _source = local;
        }
    }

    public void ForgetSource() => _source = null;

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
