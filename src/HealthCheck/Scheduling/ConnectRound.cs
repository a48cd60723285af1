using System.Net;
using HaDirector.HealthCheck.Probes;
using HaDirector.Linux.Interop;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// A connect target's round, made once and started again every round by <see cref="ConnectRounds"/> on the
/// <see cref="ConnectEngine"/>'s thread: its socket addresses are written here once, not per connect.
/// </summary>
internal class ConnectRound : ScheduledRound, IConnectInFlight
{
    private readonly ConnectRounds _lane;
    private readonly byte[] _target = new byte[SockAddrInet.MaxLength];
    private readonly byte[] _source = [];
    private readonly int _targetLength;

    public ConnectRound(HealthTarget target, ConnectRounds lane, ProbeEndpoint endpoint)
        : base(target)
    {
        _lane = lane;
        _targetLength = SockAddrInet.Write(endpoint.Target, _target);
        if (endpoint.Source is { } source)
        {
            var bytes = new byte[SockAddrInet.MaxLength];
            _source = bytes[..SockAddrInet.Write(new IPEndPoint(source, 0), bytes)];
        }
    }

    public ReadOnlySpan<byte> TargetAddress => _target.AsSpan(0, _targetLength);

    public ReadOnlySpan<byte> SourceAddress => _source;

    public int Slot { get; set; } = -1;

    /// <summary>When this attempt started, on the lane's clock: the result's latency.</summary>
    public long Started { get; set; }

    /// <summary>A plain connect says nothing: connected is up.</summary>
    public virtual ReadOnlySpan<byte> Request => default;

    public virtual Span<byte> Room() => throw new InvalidOperationException("a plain connect reads nothing");

    public virtual ProbeResult? Received(int read) => throw new InvalidOperationException("a plain connect reads nothing");

    public virtual void Complete(in ProbeResult result) => _lane.Complete(this, result);
}
