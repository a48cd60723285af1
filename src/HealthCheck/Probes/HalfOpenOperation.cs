namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// One SYN in flight on <see cref="HalfOpenEngine"/>: its 4-tuple and initial sequence number, claimed once by
/// the matching reply, its timeout, or a send error; the claim completes the awaiting code inline.
/// </summary>
internal sealed class HalfOpenOperation(HalfOpenEngine engine, UInt128 source, UInt128 target, ushort targetPort) : ProbeOperation, ISynInFlight
{
    public UInt128 Source => source;

    public UInt128 TargetAddress => target;

    public ushort TargetPort => targetPort;

    public ushort LocalPort { get; set; }

    public uint Isn { get; set; }

    public void Complete(ProbeResult result)
    {
        if (TryClaim())
        {
            engine.Forget(this);
            SetResult(result);
        }
    }
}
