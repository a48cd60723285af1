namespace HaDirector.Director.Kernel;

/// <summary>How a command ended: its exit code, or why it has none (timed out, did not start).</summary>
public readonly record struct CommandResult(int? ExitCode, string? Error = null)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() => ExitCode is { } code ? $"exit {code}" : Error ?? "no result";
}
