using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HaDirector.Integration.Tests.Infrastructure;
using Json.Schema;

namespace HaDirector.Integration.Tests.Control;

/// <summary>
/// The operator's verbs against two real daemons in namespaces (VRRPv3 at 100 ms): status and its JSON
/// schema, maintenance failover/resume, reload with bad and good files, SIGHUP, and a root-only socket.
/// </summary>
public sealed class ControlSocketTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly DirectorLan _lan = new("lb1", "lb2");

    private LanHost Lb1 => _lan["lb1"];

    private LanHost Lb2 => _lan["lb2"];

    public void Dispose() => _lan.Dispose();

    private static string Config(int priority) => DirectorProcess.VrrpConfig(51, priority, 3, Interval, Vip.ToString());

    private DirectorProcess Start(LanHost host, int priority) => _lan.Start(host, Config(priority));

    private string Diagnostics() => _lan.Diagnostics();

    private (DirectorProcess Lb1, DirectorProcess Lb2) StartPair()
    {
        var lb1 = Start(Lb1, 150);
        var lb2 = Start(Lb2, 100);
        Wait.Until(() => Lb1.HasAddress(Vip) && !Lb2.HasAddress(Vip), Bound, "lb1 to be the only master", Diagnostics);
        Wait.Until(() => File.Exists(lb1.SocketPath) && File.Exists(lb2.SocketPath), Bound, "both control sockets", Diagnostics);
        return (lb1, lb2);
    }

    private static JsonNode Status(DirectorProcess director)
    {
        var result = Shell.Run(Binary.Path, "status", "--json", "--socket", director.SocketPath);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Stdout)!;
    }

    private static string State(DirectorProcess director) => Status(director)["instances"]![0]!["state"]!.GetValue<string>();

    [Fact]
    public void Status_Json_MatchesTheDocumentedSchemaAndTellsTheTruth()
    {
        var (lb1, lb2) = StartPair();
        var schema = JsonSchema.FromFile(Path.Combine(RepositoryRoot(), "docs", "status.schema.json"));

        var text = lb1.Cli("status", "--json");
        Assert.Equal(0, text.ExitCode);
        var evaluation = schema.Evaluate(JsonDocument.Parse(text.Stdout).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(evaluation.IsValid, string.Join("\n", evaluation.Details!.Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))) + "\n" + text.Stdout);

        var web = JsonNode.Parse(text.Stdout)!["instances"]![0]!;
        Assert.Equal("master", web["state"]!.GetValue<string>());
        Assert.Equal("198.18.0.100/32", web["virtualAddresses"]![0]!.GetValue<string>());
        Assert.Equal(Lb1.Address.ToString(), web["masterAddress"]!.GetValue<string>());
        Assert.Equal("backup", State(lb2));
        Assert.Equal(Lb1.Address.ToString(), Status(lb2)["instances"]![0]!["masterAddress"]!.GetValue<string>());

        var human = lb1.Cli("status");
        Assert.Equal(0, human.ExitCode);
        Assert.True(Regex.IsMatch(human.Stdout, $@"(?m)^web\s+master\s+150\s+198\.18\.0\.100/32\s+{Regex.Escape(Lb1.Address.ToString())}\s"), human.Stdout);
    }

    [Fact]
    public void Failover_OnTheMaster_HandsOverAndHoldsBackupUntilResume()
    {
        var (lb1, lb2) = StartPair();

        var onBackup = lb2.Cli("failover");
        Assert.Equal(3, onBackup.ExitCode);
        Assert.Contains("not master", onBackup.Stderr);
        Assert.Equal("backup", State(lb2));

        var handover = lb1.Cli("failover");
        Assert.True(handover.ExitCode == 0, handover + Diagnostics());
        Assert.True(handover.Stdout.Contains($"handed over to {Lb2.Address}", StringComparison.Ordinal), handover + Diagnostics());
        Assert.True(Lb2.HasAddress(Vip) && !Lb1.HasAddress(Vip), Diagnostics());
        Wait.Until(() => lb1.Process.OutputContains("Master -> Backup (ManualFailover)"), Bound, "the log to say 'Master -> Backup (ManualFailover)'", Diagnostics);

        // lb1 has the higher priority and preempts: only the hold keeps it backup. Let ten of lb2's adverts
        // (three Master_Down_Intervals) go by, counted by lb1 itself, and it must still be backup.
        var received = lb1.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}");
        Wait.Until(() => lb1.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}") >= received + 10, Bound, "10 adverts from lb2", Diagnostics);
        var held = Status(lb1)["instances"]![0]!;
        Assert.Equal("backup", held["state"]!.GetValue<string>());
        Assert.True(held["held"]!.GetValue<bool>());
        Assert.True(Lb2.HasAddress(Vip) && !Lb1.HasAddress(Vip), Diagnostics());
        Assert.Contains("held", lb1.Cli("status").Stdout);

        var resume = lb1.Cli("resume");
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Wait.Until(() => Lb1.HasAddress(Vip) && !Lb2.HasAddress(Vip), Bound, "lb1 to preempt after resume", Diagnostics);
        Assert.False(Status(lb1)["instances"]![0]!["held"]!.GetValue<bool>());
    }

    [Fact]
    public void Reload_BadFile_IsRejectedWithItsErrorsAndChangesNothing()
    {
        var (lb1, _) = StartPair();
        var transitions = Transitions(lb1);

        lb1.WriteConfig(Config(150).Replace("priority: 150", "priority: 300", StringComparison.Ordinal) + "\nbogus: 1\n");
        var reload = lb1.Cli("reload", "--socket", lb1.SocketPath);
        Assert.Equal(2, reload.ExitCode);
        Assert.Matches(@"hadirector\.yaml:\d+:\d+: vrrp\.instances\[0\]\.priority: ", reload.Stderr);
        Assert.Contains("bogus", reload.Stderr);
        Assert.Contains("the running configuration is unchanged", reload.Stderr);

        // SIGHUP with the same bad file: logged, the daemon runs on.
        lb1.Process.Signal(1);
        Wait.Until(() => lb1.Process.OutputContains("reload of " + lb1.ConfigPath + " rejected"), Bound, "SIGHUP reload to be rejected", Diagnostics);
        Assert.False(lb1.Process.HasExited);
        Assert.Equal("master", State(lb1));
        Assert.Equal(transitions, Transitions(lb1));
        Assert.True(Lb1.HasAddress(Vip));
    }

    [Fact]
    public void Reload_GoodFile_AppliesWithoutAFlap()
    {
        var (lb1, _) = StartPair();
        var transitions = Transitions(lb1);

        lb1.WriteConfig(Config(150) + "\nipvs: { reconcilePeriod: 10s }\n");
        var good = lb1.Cli("reload");
        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Contains("sections changed: ipvs", good.Stdout);
        Assert.Contains("no changes", lb1.Cli("reload").Stdout);
        Assert.Equal("master", State(lb1));
        Assert.Equal(transitions, Transitions(lb1));
    }

    [Fact]
    public void ControlSocket_IsRootOnly()
    {
        var (lb1, _) = StartPair();
        Assert.Equal("600", Shell.Check("stat", "-c", "%a", lb1.SocketPath).Trim());

        // The CLI stops other users first...
        Shell.Check("chmod", "755", lb1.Directory);
        var denied = Shell.Run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", Binary.Path, "status", "--socket", lb1.SocketPath);
        Assert.Equal(77, denied.ExitCode);
        Assert.Contains("needs root", denied.Stderr);

        // ...and the daemon checks the peer's credentials even when the mode is loosened by mistake (a client of
        // its own: the CLI would not even ask).
        Shell.Check("chmod", "666", lb1.SocketPath);
        var refused = Shell.Run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
            "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b'{\"verb\":\"status\"}\\n'); "
            + "print(s.makefile().read())", lb1.SocketPath);
        Assert.True(refused.Stdout.Contains("answers root only", StringComparison.Ordinal), refused.ToString());
        Wait.Until(() => lb1.Process.OutputContains("refused a request from uid 65534"), Bound, "the log to say 'refused a request from uid 65534'", Diagnostics);
    }

    [Fact]
    public void Cli_WithoutDaemon_SaysSoWithExitCode4()
    {
        var dir = Directory.CreateTempSubdirectory("hd-nodaemon-").FullName;
        try
        {
            var result = Shell.Run(Binary.Path, "status", "--socket", Path.Combine(dir, "control.sock"));
            Assert.Equal(4, result.ExitCode);
            Assert.Contains("hadirector is not running", result.Stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double Transitions(DirectorProcess director) =>
        director.Metrics().Split('\n').Where(l => l.StartsWith("hadirector_vrrp_transitions_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "HaDirector.sln")))
        {
            dir = dir.Parent;
        }
        return dir.FullName;
    }
}
