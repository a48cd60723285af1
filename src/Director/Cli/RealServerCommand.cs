using System.CommandLine;
using System.Net;
using HaDirector.Director.Control;
using HaDirector.Director.RealServers;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink;
using HaDirector.Linux.Netlink.Route;

namespace HaDirector.Director.Cli;

/// <summary>
/// <c>hadirector realserver up|down --vip VIP...</c>: prepares an LVS-DR real server (the seed's kernel-parameter
/// way): arp_ignore=1 and arp_announce=2 on all and lo, each VIP as /32 on lo. Idempotent and reversible.
/// </summary>
public static class RealServerCommand
{
    public static Command Create()
    {
        var command = new Command("realserver", "Prepare this host as an LVS-DR real server (VIPs on lo, ARP for them silenced), or undo it.");
        command.Subcommands.Add(Verb("up", required: true,
            "Set arp_ignore=1/arp_announce=2 on all and lo and add each VIP to lo as /32; saves what it changed."));
        command.Subcommands.Add(Verb("down", required: false,
            "Restore the saved sysctl values and remove the VIPs up added (all of them, or only those given with --vip)."));
        return command;
    }

    private static Command Verb(string name, bool required, string description)
    {
        var vip = new Option<string[]>("--vip")
        {
            Description = required ? "A virtual address (IPv4 or IPv6) served by the directors (repeat for several)." : "Only undo these VIPs (default: all).",
            Required = required,
            Arity = required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore,
        };
        var persist = new Option<bool>("--persist")
        {
            Description = name == "up"
                ? $"Also write {RealServerPaths.DefaultSysctlDirectory}/{RealServerPaths.SysctlFileName} and enable {RealServerPaths.UnitName} so the setup survives a reboot."
                : "Also remove the boot-time files that up --persist wrote.",
        };
        var stateDir = PathOption("--state-dir", RealServerPaths.StateDirectoryVariable, RealServerPaths.DefaultStateDirectory,
            "Where the saved state (realserver.json) lives");
        var sysctlDir = PathOption("--sysctl-dir", RealServerPaths.SysctlDirectoryVariable, RealServerPaths.DefaultSysctlDirectory,
            "Where --persist writes the sysctl.d file");
        var unitDir = PathOption("--unit-dir", RealServerPaths.UnitDirectoryVariable, RealServerPaths.DefaultUnitDirectory,
            "Where --persist writes the systemd unit");

        var command = new Command(name, description) { vip, persist, stateDir, sysctlDir, unitDir };
        command.SetAction(parse =>
        {
            var paths = new RealServerPaths(parse.GetRequiredValue(stateDir), parse.GetRequiredValue(sysctlDir), parse.GetRequiredValue(unitDir))
            {
                Namespace = RealServerNamespace.Current(),
            };
            return Execute(name, parse.GetValue(vip) ?? [], parse.GetValue(persist), paths);
        });
        return command;
    }

    private static Option<string> PathOption(string name, string variable, string fallback, string what) => new(name)
    {
        Description = $"{what} (or ${variable}).",
        DefaultValueFactory = _ => RealServerPaths.FromEnvironment(variable, fallback),
    };

    private static int Execute(string verb, string[] vipTexts, bool persist, RealServerPaths paths)
    {
        var vips = new List<IPAddress>();
        var bad = false;
        foreach (var text in vipTexts)
        {
            if (RealServerVip.Parse(text, out var error) is { } vip)
            {
                vips.Add(vip);
            }
            else
            {
                Console.Error.WriteLine(error);
                bad = true;
            }
        }
        if (bad)
        {
            return ExitCodes.UsageError;
        }

        if (!Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine($"realserver {verb} must run as root: it writes /proc/sys/net/ipv4/conf/* and changes lo's addresses");
            return ExitCodes.NotPermitted;
        }

        try
        {
            using var host = new LinuxRealServerHost(RouteClient.Open());
            var setup = new RealServerSetup(host, paths, Console.Out);
            if (verb == "up")
            {
                setup.Up(vips, persist, RealServerBinary.Resolve());
            }
            else
            {
                setup.Down(vips, persist);
            }
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || (ex is LinuxErrorException l && l.Errno is Errno.EPERM or Errno.EACCES))
        {
            Console.Error.WriteLine($"realserver {verb}: not permitted ({ex.Message}); it needs root with CAP_NET_ADMIN and a writable /proc/sys");
            return ExitCodes.NotPermitted;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NetlinkErrorException or InvalidOperationException)
        {
            Console.Error.WriteLine($"realserver {verb} failed: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
