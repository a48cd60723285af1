namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// One probe's answer. A failure is data, never an exception: <see cref="Reason"/> says what went wrong in
/// words an operator reads in <c>hadirector status</c>.
/// </summary>
public readonly record struct ProbeResult(bool Up, string Reason, WeightReport Weight, TimeSpan Latency)
{
    public static ProbeResult Success(string reason) => new(true, reason, WeightReport.None, TimeSpan.Zero);

    public static ProbeResult Success(string reason, WeightReport weight) => new(true, reason, weight, TimeSpan.Zero);

    public static ProbeResult Failure(string reason) => new(false, reason, WeightReport.None, TimeSpan.Zero);

    /// <summary>Up but asking for no new connections (agent <c>drain</c>, or a 0 weight).</summary>
    public bool Drain => Up && Weight.Kind != WeightKind.None && Weight.Value == 0;
}
