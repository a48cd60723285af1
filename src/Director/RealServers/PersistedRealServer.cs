using System.Globalization;
using System.Text;

namespace HaDirector.Director.RealServers;

/// <summary>
/// The boot-time files of <c>realserver up --persist</c>: a sysctl.d file (systemd-sysctl applies it early at boot)
/// and a oneshot unit that re-adds the VIPs to lo, which no sysctl can do.
/// </summary>
public static class PersistedRealServer
{
    public static string SysctlConf()
    {
        var text = new StringBuilder();
        text.AppendLine("# Written by `hadirector realserver up --persist`; removed by `hadirector realserver down --persist`.");
        text.AppendLine("# LVS-DR real server: hold the VIPs on lo but never answer or announce ARP for them.");
        foreach (var setting in RealServerSysctls.Desired)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{setting.Key} = {setting.Value}");
        }
        return text.ToString();
    }

    /// <param name="executable">The hadirector binary the unit runs.</param>
    /// <param name="vips">The VIPs to put on lo at boot.</param>
    /// <param name="stateDirectory">Passed on when it is not the default, so boot-time up finds the same state.</param>
    public static string Unit(string executable, IEnumerable<string> vips, string stateDirectory)
    {
        var command = new StringBuilder(executable).Append(" realserver up");
        foreach (var vip in vips)
        {
            command.Append(" --vip ").Append(vip);
        }
        if (stateDirectory != RealServerPaths.DefaultStateDirectory)
        {
            command.Append(" --state-dir ").Append(stateDirectory);
        }

        return $"""
            # Written by `hadirector realserver up --persist`; removed by `hadirector realserver down --persist`.
            [Unit]
            Description=HaDirector LVS-DR real server: VIPs on lo, ARP silenced for them
            # The ARP settings must be in place before any interface carries traffic for the VIPs.
            DefaultDependencies=no
            After=local-fs.target systemd-sysctl.service
            Before=network-pre.target shutdown.target
            Wants=network-pre.target
            Conflicts=shutdown.target

            [Service]
            Type=oneshot
            RemainAfterExit=yes
            # No ExecStop: stopping at shutdown must not undo the setup; `hadirector realserver down --persist` does.
            ExecStart={command}

            [Install]
            WantedBy=multi-user.target

            """;
    }
}
