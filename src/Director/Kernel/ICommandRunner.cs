namespace HaDirector.Director.Kernel;

/// <summary>Runs a tracker script or a notify hook; the seam tests replace.</summary>
public interface ICommandRunner
{
    /// <summary>
    /// Runs <paramref name="command"/> with <paramref name="arguments"/> appended (as <c>"$@"</c>); a run still going after
    /// <paramref name="timeout"/> is killed with its children and ends with an error.
    /// </summary>
    Task<CommandResult> RunAsync(string command, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken);
}
