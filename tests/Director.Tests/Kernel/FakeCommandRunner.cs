using System.Collections.Concurrent;
using HaDirector.Director.Kernel;

namespace HaDirector.Director.Tests.Kernel;

/// <summary>Commands exit with what a test sets (0 unless told); every run is recorded with its arguments.</summary>
internal sealed class FakeCommandRunner : ICommandRunner
{
    private readonly ConcurrentDictionary<string, int> _exits = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _runs = new();

    /// <summary>Each run as "command arg1 arg2 ...", in order.</summary>
    public IReadOnlyList<string> Runs => [.. _runs];

    /// <summary>When set, a run waits for this task before it ends (a hook still running).</summary>
    public Task? Hold { get; set; }

    public void ExitWith(string command, int code) => _exits[command] = code;

    public int RunsOf(string command) => _runs.Count(r => r == command || r.StartsWith(command + " ", StringComparison.Ordinal));

    public async Task<CommandResult> RunAsync(string command, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _runs.Enqueue(string.Join(' ', [command, .. arguments]));
        if (Hold is { } hold)
        {
            await hold.WaitAsync(cancellationToken);
        }

        return new CommandResult(_exits.GetValueOrDefault(command));
    }
}
