using System.Diagnostics;

namespace HaDirector.Director.Kernel;

/// <summary>
/// Runs commands through <c>/bin/sh -c</c>, as keepalived runs <c>vrrp_script</c> and <c>notify</c> (so
/// <c>pidof haproxy</c> and <c>test -f /run/x</c> work as written), with stdin, stdout and stderr on /dev/null: the
/// daemon's own stdout is its log.
/// </summary>
public sealed class ShellCommandRunner : ICommandRunner
{
    public async Task<CommandResult> RunAsync(string command, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec </dev/null >/dev/null 2>&1\n" + command + (arguments.Count > 0 ? " \"$@\"" : ""));
        start.ArgumentList.Add("sh");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("the command did not start");
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return new CommandResult(null, e.Message);
        }

        using (process)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
                return new CommandResult(process.ExitCode);
            }
            catch (OperationCanceledException)
            {
                // Killed with its children: a hung script must not pile up a process per interval.
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }

                cancellationToken.ThrowIfCancellationRequested();
                return new CommandResult(null, $"timed out after {timeout.TotalMilliseconds:0} ms, killed");
            }
        }
    }
}
