using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Announce;

/// <summary>
/// FRR's zebra, bfdd and bgpd in one namespace with one integrated configuration applied through vtysh, as Debian's
/// unit does with /etc/frr/frr.conf (the daemons start empty, then `vtysh -b`; after a daemon's restart, `vtysh -b -d`
/// for it alone). Their sockets are in a folder of their own (vtysh --vty_socket), so nothing touches the host's FRR.
/// They drop to the frr user, as Debian's unit runs them.
/// </summary>
public sealed class FrrDaemons : IDisposable
{
    private static readonly string[] Order = ["zebra", "bfdd", "bgpd"];

    private readonly Dictionary<string, ManagedProcess> _daemons = [];
    private readonly List<ManagedProcess> _exited = [];

    public FrrDaemons(string name, string ns, string parent, string config)
    {
        Name = name;
        Namespace = ns;
        Folder = Path.Combine(parent, "frr-" + name);
        Directory.CreateDirectory(Folder);
        // The daemons refuse to run as a user outside the frrvty group and write their sockets here as frr.
        Shell.Check("chmod", "755", parent);
        Shell.Check("chown", "frr:frr", Folder);
        ConfigPath = Path.Combine(Folder, "frr.conf");
        File.WriteAllText(ConfigPath, config);
        File.WriteAllText(Path.Combine(Folder, "empty.conf"), "");
        // One by one, each answering before the next starts, as watchfrr does: a daemon that finds no zserv socket
        // retries only 10 s later, and a BFD session bgpd asks for meanwhile is never installed (bgpd: "_bfd_sess_send:
        // ... was not installed"; the router's `show bfd peers`: "Session count: 0"), so BGP's hold time, not BFD,
        // would notice a dead director.
        foreach (var daemon in Order)
        {
            Start(daemon);
            WaitForAnswer([daemon]);
        }

        Assert.True(File.Exists(Path.Combine(Folder, "zserv.api")), "zebra answers vtysh but has no zserv socket: " + Diagnostics());
        Apply(Order);
    }

    public string Name { get; }

    public string Namespace { get; }

    /// <summary>Their vty sockets (<c>vtysh --vty_socket</c>; hadirector's <c>routingDaemon.socket</c> for FRR).</summary>
    public string Folder { get; }

    public string ConfigPath { get; }

    /// <summary>Restarts one daemon and applies the configuration to it.</summary>
    public void Restart(string daemon)
    {
        Start(daemon);
        Apply([daemon]);
    }

    private void Start(string daemon)
    {
        if (_daemons.Remove(daemon, out var old))
        {
            _exited.Add(old);
        }

        string[] extra = daemon == "bfdd" ? ["--bfdctl", Path.Combine(Folder, "bfdd.sock")] : [];
        _daemons[daemon] = new ManagedProcess(daemon + "@" + Name, Namespace, "/usr/lib/frr/" + daemon,
            ["-f", Path.Combine(Folder, "empty.conf"), "-i", Path.Combine(Folder, daemon + ".pid"), "-z", Path.Combine(Folder, "zserv.api"),
                "--vty_socket", Folder, "-P", "0", "-u", "frr", "-g", "frr", "--log", "stdout", .. extra]);
    }

    /// <summary>Once the daemons answer vtysh, the configuration through vtysh to them (each takes its own commands).</summary>
    private void Apply(string[] daemons)
    {
        WaitForAnswer(daemons);
        string[] only = daemons.Length == 1 ? ["-d", daemons[0]] : [];
        var result = Shell.Run("ip", ["netns", "exec", Namespace, "vtysh", "--vty_socket", Folder, .. only, "-f", ConfigPath]);
        Assert.True(result.ExitCode == 0, $"vtysh -f {ConfigPath}: {result}{Environment.NewLine}{Diagnostics()}");
    }

    private void WaitForAnswer(string[] daemons) =>
        Wait.Until(() => daemons.All(Vtysh("show daemons").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Contains),
            TimeSpan.FromSeconds(60), $"{string.Join(", ", daemons)} in {Name} to answer vtysh", Diagnostics);

    public void Kill9(string daemon)
    {
        var process = _daemons[daemon];
        process.Kill9();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), daemon + " to die");
    }

    /// <summary>
    /// One vtysh command's output ("" when vtysh fails: a daemon not up yet; a note when it hangs, so that a failure's
    /// diagnostics never replace the failure: the VM run of 17:02 UTC lost its message so).
    /// </summary>
    public string Vtysh(string command)
    {
        try
        {
            var result = Shell.Run("ip", "netns", "exec", Namespace, "vtysh", "--vty_socket", Folder, "-c", command);
            return result.ExitCode == 0 ? result.Stdout : "";
        }
        catch (TimeoutException ex)
        {
            return "(vtysh: " + ex.Message + ")";
        }
    }

    public string Diagnostics() =>
        string.Join(Environment.NewLine, _daemons.Values.Concat(_exited).Select(p => $"--- {p.Name}{Environment.NewLine}{p.Output}"))
        + string.Concat(((string[])["show bgp summary", "show ip route", "show ip bgp", "show bfd peers brief"]).Select(c =>
            $"{Environment.NewLine}{Name}# {c}{Environment.NewLine}{Vtysh(c)}"));

    public void Dispose()
    {
        foreach (var p in _daemons.Values.Concat(_exited))
        {
            p.Dispose();
        }
    }
}
