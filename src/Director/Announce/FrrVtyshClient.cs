using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace HaDirector.Director.Announce;

/// <summary>
/// Reads FRR's BGP and BFD sessions with <c>vtysh -c 'show bgp summary json'</c> and <c>-c 'show bfd peers json'</c>
/// (FRR has no stable control protocol of its own: vtysh is its client). Each run is bounded: at most
/// <see cref="MaxOutputBytes"/> of output is read, and the caller's token (its timeout) kills a run that hangs.
/// </summary>
/// <param name="vtysh">The vtysh program (a path, or a name looked up in PATH).</param>
/// <param name="vtySocket">vtysh's <c>--vty_socket</c> directory, or null for its default.</param>
public sealed class FrrVtyshClient(string vtysh, string? vtySocket) : IRoutingDaemonClient
{
    public const int MaxOutputBytes = 1 << 20;

    public async Task<RoutingDaemonSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var (bgpOk, bgp) = await RunAsync("show bgp summary json", cancellationToken);
        if (!bgpOk)
        {
            throw new IOException($"vtysh: {bgp}");
        }

        var sessions = FrrParser.Sessions(bgp);
        // No bfdd (BFD not used) is no failure of the read: the note says so.
        var (bfdOk, bfd) = await RunAsync("show bfd peers json", cancellationToken);
        return bfdOk ? new RoutingDaemonSnapshot(sessions, FrrParser.BfdPeers(bfd)) : new RoutingDaemonSnapshot(sessions, [], bfd);
    }

    /// <summary>True and the output, or false and what vtysh said instead ("bgpd is not running").</summary>
    private async Task<(bool Ok, string Output)> RunAsync(string command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(vtysh)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (vtySocket is not null)
        {
            start.ArgumentList.Add("--vty_socket");
            start.ArgumentList.Add(vtySocket);
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IOException($"{vtysh} did not start");
        }
        catch (Win32Exception ex)
        {
            throw new IOException($"cannot run {vtysh}: {ex.Message}", ex);
        }

        using (process)
        {
            // A read of a pipe does not always end on its token: killing vtysh closes the pipe, which ends it.
            using var kill = cancellationToken.Register(() => Kill(process));
            try
            {
                process.StandardInput.Close();
                var errors = process.StandardError.ReadToEndAsync(cancellationToken);
                var output = await ReadBoundedAsync(process.StandardOutput.BaseStream, cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                var error = await errors;
                if (process.ExitCode == 0)
                {
                    return (true, output);
                }

                // vtysh says "bgpd is not running" on stdout; its own complaints (a missing vtysh.conf) go to stderr.
                var said = FirstLine(output) ?? FirstLine(error) ?? $"exit {process.ExitCode}";
                return (false, said);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                Kill(process);
                throw;
            }
        }
    }

    private static async Task<string> ReadBoundedAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxOutputBytes)
            {
                throw new IOException($"vtysh printed more than {MaxOutputBytes} bytes: not what was asked for");
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string? FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(l => !l.StartsWith("% Can't open configuration file", StringComparison.Ordinal));

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
