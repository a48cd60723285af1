using System.CommandLine;
using HaDirector.Director.Control;

namespace HaDirector.Director.Cli;

/// <summary><c>hadirector failover [--instance N | --vip ADDR]</c> and <c>hadirector resume [--instance N | --vip ADDR]</c>.</summary>
public static class FailoverCommand
{
    public static Command Create() => Build("failover",
        "Maintenance handover: the master sends priority 0, keeps serving until the new master is heard, then holds backup until `resume`; announced VIPs are withdrawn until `resume`.");

    public static Command CreateResume() => Build("resume", "Let instances held by `failover` compete for master again, and announce again the VIPs it withdrew.");

    private static Command Build(string verb, string description)
    {
        var socket = ControlTarget.SocketOption();
        var config = ControlTarget.ConfigOption();
        var instance = new Option<string?>("--instance", "-i") { Description = "One VRRP instance by name (default: all)." };
        var vip = new Option<string?>("--vip")
        {
            Description = "One announced VIP (announce.vips) by address; VRRP instances are left alone (default: every announced VIP and instance).",
        };
        var command = new Command(verb, description) { socket, config, instance, vip };
        var force = new Option<bool>("--force")
        {
            Description = "When no new master is heard, release the VIPs anyway (hand over to nobody) instead of staying master.",
        };
        if (verb == "failover")
        {
            command.Options.Add(force);
        }

        command.SetAction((parse, _) => ControlTarget.RunAsync(parse, socket, config,
            new ControlRequest { Verb = verb, Instance = parse.GetValue(instance), Vip = parse.GetValue(vip), Force = verb == "failover" && parse.GetValue(force) }));
        return command;
    }
}
