using System.Globalization;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>A `hadirector run` in a host namespace, with a config written for the test.</summary>
public sealed class DirectorProcess : IDisposable
{
    private readonly string _dir;

    public DirectorProcess(LanHost host, string yaml)
    {
        Host = host;
        _dir = System.IO.Directory.CreateTempSubdirectory("hd-director-").FullName;
        ConfigPath = Path.Combine(_dir, "hadirector.yaml");
        File.WriteAllText(ConfigPath, yaml.Replace("$DIR", _dir, StringComparison.Ordinal));
        Process = new ManagedProcess("hadirector@" + host.Name, host.Namespace, Binary.Path, ["run", "--config", ConfigPath]);
    }

    public LanHost Host { get; }

    public string ConfigPath { get; }

    public ManagedProcess Process { get; }

    public string Directory => _dir;

    public string SocketPath => System.IO.Path.Combine(_dir, "control.sock");

    /// <summary>Runs a CLI verb against this daemon through --config, as an operator would.</summary>
    public ShellResult Cli(params string[] args) =>
        Shell.RunWithTimeout(TimeSpan.FromSeconds(60), Binary.Path, [.. args, "--config", ConfigPath]);

    /// <summary>Rewrites the configuration file (for reload tests).</summary>
    public void WriteConfig(string yaml) => File.WriteAllText(ConfigPath, yaml.Replace("$DIR", _dir, StringComparison.Ordinal));

    /// <summary>
    /// The product's default (SCHED_FIFO 10) on the host; 0 inside the emulated test VM, where first-use JIT
    /// on real-time threads starves every other thread of its two vCPUs.
    /// </summary>
    public static int RealtimePriority => Environment.GetEnvironmentVariable("HADIRECTOR_TEST_VM") == "1" ? 0 : 10;

    /// <summary>A config with one VRRP instance and metrics on the namespace's own loopback.</summary>
    public static string VrrpConfig(int vrid, int priority, int version, TimeSpan interval, string vip, bool preempt = true,
        string? unicastPeer = null) =>
        $"""
        vrrp:
          realtimePriority: {RealtimePriority}
          instances:
            - name: web
              interface: eth0
              vrid: {vrid}
              priority: {priority}
              version: {version}
              advertInterval: {((int)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms
              preempt: {(preempt ? "true" : "false")}
              unicastPeers: [{unicastPeer}]
              virtualAddresses: [{vip}/{(vip.Contains(':', StringComparison.Ordinal) ? 128 : 32)}]
        metrics: {"{"} listen: 127.0.0.1:9810 {"}"}
        control: {"{"} socket: $DIR/control.sock {"}"}
        """;

    /// <summary>Scrapes this director's /metrics inside its namespace.</summary>
    public string Metrics() =>
        Shell.Check("ip", "netns", "exec", Host.Namespace, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9810/metrics");

    /// <summary>The value of one series (labels in Prometheus text form), or 0 when absent.</summary>
    public double Metric(string nameWithLabels)
    {
        foreach (var line in Metrics().Split('\n'))
        {
            if (line.StartsWith(nameWithLabels + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(nameWithLabels.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    public void Dispose()
    {
        Process.Dispose();
        System.IO.Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>Where the build put hadirector (tests/run builds the solution first), or $HADIRECTOR_BIN.</summary>
public static class Binary
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        // tests/run sets it to the Native AOT publish (the binary as shipped; in the test VM JIT at emulated
        // speed would cost minutes).
        if (Environment.GetEnvironmentVariable("HADIRECTOR_BIN") is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : throw new FileNotFoundException($"HADIRECTOR_BIN={given} does not exist");
        }

        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var path = System.IO.Path.Combine(RepositoryRoot(), "src", "Director", "bin", configuration, "net10.0", "hadirector");
        return File.Exists(path) ? path : throw new FileNotFoundException($"hadirector is not built: {path} (run dotnet build -c {configuration})");
    }

    /// <summary>The directory holding HaDirector.sln, above the test assembly.</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "HaDirector.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName
            ?? throw new InvalidOperationException("cannot find the repository root (HaDirector.sln) above " + AppContext.BaseDirectory);
    }
}
