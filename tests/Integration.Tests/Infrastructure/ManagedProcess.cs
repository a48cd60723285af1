using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>
/// A long-running process the test started inside a namespace (`ip netns exec` execs in place, so the pid
/// is the program's own). Output is kept for diagnostics; Dispose stops only this pid.
/// </summary>
public sealed class ManagedProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    public ManagedProcess(string name, string ns, string file, IEnumerable<string> args)
    {
        Name = name;
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["netns", "exec", ns, file, .. args])
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Output
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var l in _lines)
            {
                sb.Append("  [").Append(Name).Append("] ").AppendLine(l);
            }
            return sb.ToString();
        }
    }

    public bool OutputContains(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));

    public void Signal(int signal) => Shell.Check("kill", "-" + signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Kill9() => Signal(9);

    public void Terminate() => Signal(15);

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
