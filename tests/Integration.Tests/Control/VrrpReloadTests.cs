using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Control;

/// <summary>
/// A reload that changes VRRP instances, against two real daemons in namespaces (VRRPv3 at 100 ms): changed
/// instances keep their state, new ones start, removed ones resign, and the instances the file did not touch
/// never notice (no transition, VIP never moves).
/// </summary>
public sealed class VrrpReloadTests : IDisposable
{
    private static readonly IPAddress WebVip = IPAddress.Parse("198.18.0.100");
    private static readonly IPAddress ApiVip = IPAddress.Parse("198.18.0.101");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly DirectorLan _lan = new("lb1", "lb2");

    private LanHost Lb1 => _lan["lb1"];

    private LanHost Lb2 => _lan["lb2"];

    public void Dispose() => _lan.Dispose();

    private static string Instance(string name, int vrid, int priority, IPAddress vip, string iface = "eth0") =>
        $"""
            - name: {name}
              interface: {iface}
              vrid: {vrid.ToString(CultureInfo.InvariantCulture)}
              priority: {priority.ToString(CultureInfo.InvariantCulture)}
              version: 3
              advertInterval: 100ms
              virtualAddresses: [{vip}/32]

        """;

    private static string Config(params string[] instances) =>
        $"""
        vrrp:
          realtimePriority: {DirectorProcess.RealtimePriority.ToString(CultureInfo.InvariantCulture)}
          instances:
        {string.Concat(instances)}
        metrics: {"{"} listen: 127.0.0.1:9810 {"}"}
        control: {"{"} socket: $DIR/control.sock {"}"}
        """;

    private (DirectorProcess Lb1, DirectorProcess Lb2) StartPair()
    {
        var lb1 = _lan.Start(Lb1, Config(Instance("web", 51, 150, WebVip)));
        var lb2 = _lan.Start(Lb2, Config(Instance("web", 51, 100, WebVip)));
        Wait.Until(() => Lb1.HasAddress(WebVip) && !Lb2.HasAddress(WebVip), Bound, "lb1 to be the only master", Diagnostics);
        Wait.Until(() => File.Exists(lb1.SocketPath) && File.Exists(lb2.SocketPath), Bound, "both control sockets", Diagnostics);
        // Let lb2 hear lb1 for a while: its "master priority" is then lb1's.
        Wait.Until(() => Instance(lb2, "web")?["masterPriority"]?.GetValue<int>() == 150, Bound, "lb2 to hear lb1", Diagnostics);
        return (lb1, lb2);
    }

    private string Diagnostics() => _lan.Diagnostics();

    private static JsonNode? Instance(DirectorProcess director, string name)
    {
        var result = Shell.Run(Binary.Path, "status", "--json", "--socket", director.SocketPath);
        return result.ExitCode != 0 ? null
            : JsonNode.Parse(result.Stdout)!["instances"]!.AsArray().FirstOrDefault(i => i!["name"]!.GetValue<string>() == name);
    }

    private static double Transitions(DirectorProcess director, string instance) =>
        director.Metrics().Split('\n')
            .Where(l => l.StartsWith("hadirector_vrrp_transitions_total{", StringComparison.Ordinal) && l.Contains($"instance=\"{instance}\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static ShellResult Reload(DirectorProcess director, string yaml)
    {
        director.WriteConfig(yaml);
        var result = director.Cli("reload");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    [Fact]
    public void ChangedPriority_MasterStaysMaster_PeerHearsTheNewPriority_AndALowerOneHandsOver()
    {
        var (lb1, lb2) = StartPair();
        var lb1Transitions = Transitions(lb1, "web");
        var lb2Transitions = Transitions(lb2, "web");

        var result = Reload(lb1, Config(Instance("web", 51, 120, WebVip)));
        Assert.Contains("VRRP instances changed in place: web", result.Stdout);

        // The master advertised its new priority at once and kept the VIP; the peer never took over.
        Wait.Until(() => Instance(lb2, "web")?["masterPriority"]?.GetValue<int>() == 120, Bound, "lb2 to hear priority 120", Diagnostics);
        Assert.Equal(120, Instance(lb1, "web")!["priority"]!.GetValue<int>());
        Assert.Equal("master", Instance(lb1, "web")!["state"]!.GetValue<string>());
        Assert.True(Lb1.HasAddress(WebVip));
        Assert.Equal(lb1Transitions, Transitions(lb1, "web"));
        Assert.Equal(lb2Transitions, Transitions(lb2, "web"));

        // Below the peer's 100: the peer (preempt) takes over, as with a restart at that priority but without one.
        Reload(lb1, Config(Instance("web", 51, 90, WebVip)));
        Wait.Until(() => Lb2.HasAddress(WebVip) && !Lb1.HasAddress(WebVip), Bound, "lb2 to preempt the lowered lb1", Diagnostics);
        Assert.False(lb1.Process.HasExited);
    }

    [Fact]
    public void AddedAndRemovedInstances_StartAndResign_TheUntouchedOneNeverNotices()
    {
        var (lb1, lb2) = StartPair();
        var webTransitions = Transitions(lb1, "web");

        // Both directors get a second instance; lb2 outranks lb1 on it.
        var lb1Added = Reload(lb1, Config(Instance("web", 51, 150, WebVip), Instance("api", 52, 100, ApiVip)));
        Assert.Contains("VRRP instances added: api", lb1Added.Stdout);
        Assert.DoesNotContain("changed in place", lb1Added.Stdout);
        Reload(lb2, Config(Instance("web", 51, 100, WebVip), Instance("api", 52, 150, ApiVip)));
        Wait.Until(() => Lb2.HasAddress(ApiVip) && !Lb1.HasAddress(ApiVip), Bound, "lb2 to be the only master of api", Diagnostics);
        Assert.Equal("backup", Instance(lb1, "api")!["state"]!.GetValue<string>());

        // lb2 drops api: it resigns (priority 0) and lb1 takes over api after Skew_Time.
        var lb2Removed = Reload(lb2, Config(Instance("web", 51, 100, WebVip)));
        Assert.Contains("VRRP instances removed: api", lb2Removed.Stdout);
        Wait.Until(() => Lb1.HasAddress(ApiVip) && !Lb2.HasAddress(ApiVip), Bound, "lb1 to take api over", Diagnostics);
        Assert.Null(Instance(lb2, "api"));
        Assert.DoesNotContain("instance=\"api\"", lb2.Metrics());
        Assert.Equal("PriorityZeroReceived", Instance(lb1, "api")!["lastCause"]!.GetValue<string>());

        // Through all of it web stayed on lb1 without a single transition.
        Assert.True(Lb1.HasAddress(WebVip) && !Lb2.HasAddress(WebVip));
        Assert.Equal(webTransitions, Transitions(lb1, "web"));
    }

    [Fact]
    public void AnInterfaceThatDoesNotExist_IsRejected_AndNothingChanges()
    {
        var (lb1, _) = StartPair();
        var transitions = Transitions(lb1, "web");

        lb1.WriteConfig(Config(Instance("web", 51, 120, WebVip), Instance("api", 52, 100, ApiVip, iface: "nope0")));
        var result = lb1.Cli("reload");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("interface 'nope0'", result.Stderr);
        Assert.Contains("the running configuration is unchanged", result.Stderr);
        Assert.Equal(150, Instance(lb1, "web")!["priority"]!.GetValue<int>());
        Assert.Null(Instance(lb1, "api"));
        Assert.Equal(transitions, Transitions(lb1, "web"));
    }
}
