using System.Globalization;
using System.Text.RegularExpressions;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Faults;

/// <summary>Which VRRP daemon a row of the fault matrix runs: ours, or Debian's keepalived 2.2.7 in the same topology.</summary>
public enum Implementation
{
    HaDirector,
    Keepalived,
}

/// <summary>
/// One director of a fault-matrix pair, either implementation, started with an optional environment (the clock shim):
/// the same handles for both — its state changes counted from its log, freezing every process it runs (keepalived's
/// parent and its VRRP child).
/// </summary>
public sealed partial class MatrixNode : IDisposable
{
    private readonly string _dir;

    public MatrixNode(Implementation implementation, LanHost host, int priority, TimeSpan interval,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        Implementation = implementation;
        Host = host;
        _dir = Directory.CreateTempSubdirectory("hd-matrix-").FullName;
        var vip = System.Net.IPAddress.Parse(FaultMatrixTests.VipText);
        string[] command;
        if (implementation == Implementation.HaDirector)
        {
            var config = Path.Combine(_dir, "hadirector.yaml");
            File.WriteAllText(config, DirectorProcess.VrrpConfig(51, priority, 3, interval, vip.ToString()).Replace("$DIR", _dir, StringComparison.Ordinal));
            command = [Binary.Path, "run", "--config", config];
        }
        else
        {
            var config = Path.Combine(_dir, "keepalived.conf");
            File.WriteAllText(config, KeepalivedPeer.Config(host, 51, priority, 3, interval, vip, "", ""));
            command = ["keepalived", "--vrrp", "-n", "-l", "-D", "-f", config, "-p", Path.Combine(_dir, "k.pid"), "-r", Path.Combine(_dir, "v.pid")];
        }

        string[] env = [.. (environment ?? new Dictionary<string, string>()).Select(e => e.Key + "=" + e.Value)];
        Process = env.Length == 0
            ? new ManagedProcess($"{Name}@{host.Name}", host.Namespace, command[0], command[1..])
            : new ManagedProcess($"{Name}@{host.Name}", host.Namespace, "env", [.. env, .. command]);
    }

    public Implementation Implementation { get; }

    public LanHost Host { get; }

    public ManagedProcess Process { get; }

    public string SocketPath => Path.Combine(_dir, "control.sock");

    private string Name => Implementation == Implementation.HaDirector ? "hadirector" : "keepalived";

    /// <summary>State changes so far, from the log: ours "Backup -> Master (…)", keepalived's "Entering MASTER STATE".</summary>
    public int StateChanges => Process.Lines.Count(l => StateChange().IsMatch(l));

    /// <summary>Whether it has settled as a backup once (the pair is then running).</summary>
    public bool IsBackup => Process.OutputContains(Implementation == Implementation.HaDirector ? "Initialize -> Backup" : "Entering BACKUP STATE");

    /// <summary>SIGSTOP (19) or SIGCONT (18) to every process of this daemon: keepalived's VRRP child too.</summary>
    public void SignalAll(int signal) => SignalAll(signal, check: true);

    private void SignalAll(int signal, bool check)
    {
        var pids = new List<int> { Process.Pid };
        var children = $"/proc/{Process.Pid}/task/{Process.Pid}/children";
        if (File.Exists(children))
        {
            pids.AddRange(File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)));
        }

        foreach (var pid in pids)
        {
            var result = Shell.Run("kill", "-" + signal.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture));
            if (check && result.ExitCode != 0)
            {
                throw new InvalidOperationException($"kill -{signal} {pid}: {result.Stderr}");
            }
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            // SIGTERM: each releases its VIP (and keepalived's VRRP child goes with its parent); SIGKILL would leave them.
            SignalAll(18, check: false);
            Process.Terminate();
            Process.WaitForExit(TimeSpan.FromSeconds(5));
        }

        Process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [GeneratedRegex(@"\b(Initialize|Backup|Master|Fault) -> (Backup|Master|Fault|Initialize)\b|Entering (MASTER|BACKUP|FAULT) STATE")]
    private static partial Regex StateChange();
}
