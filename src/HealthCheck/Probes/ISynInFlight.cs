namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// One SYN on <see cref="HalfOpenEngine"/>: its 4-tuple and initial sequence number, and who hears the answer.
/// Claimed once, by the matching reply, its timeout, a send error or a stop; <see cref="Complete"/> runs inline.
/// </summary>
internal interface ISynInFlight
{
    /// <summary>Either family, as <see cref="SynAddress"/> holds it.</summary>
    UInt128 Source { get; }

    /// <summary>Either family, as <see cref="SynAddress"/> holds it; the same family as <see cref="Source"/>.</summary>
    UInt128 TargetAddress { get; }

    ushort TargetPort { get; }

    /// <summary>Set by the engine when it queues the SYN.</summary>
    ushort LocalPort { get; set; }

    /// <summary>Set by the engine when it queues the SYN.</summary>
    uint Isn { get; set; }

    bool Claimed { get; }

    /// <summary>The first call wins: it forgets the SYN and hands on the result; later calls do nothing.</summary>
    void Complete(ProbeResult result);
}
