namespace HaDirector.Director.Control;

/// <summary>The daemon's answer: the CLI prints <see cref="Message"/> and exits with <see cref="ExitCode"/>.</summary>
public sealed record ControlResponse(int ExitCode, string Message)
{
    /// <summary>Set for <c>status</c>.</summary>
    public StatusReport? Status { get; init; }
}
