namespace HaDirector.Director.RealServers;

/// <summary>Where <c>realserver</c> keeps its state and writes its boot-time files; tests point these at a temp dir.</summary>
/// <param name="StateDirectory">Holds realserver.json, one per network namespace (default /var/lib/hadirector, env HADIRECTOR_STATE_DIR).</param>
/// <param name="SysctlDirectory">Where the sysctl.d file goes (default /etc/sysctl.d, env HADIRECTOR_SYSCTL_DIR).</param>
/// <param name="UnitDirectory">Where the oneshot unit goes (default /etc/systemd/system, env HADIRECTOR_UNIT_DIR).</param>
public sealed record RealServerPaths(string StateDirectory, string SysctlDirectory, string UnitDirectory)
{
    public const string DefaultStateDirectory = "/var/lib/hadirector";
    public const string DefaultSysctlDirectory = "/etc/sysctl.d";
    public const string DefaultUnitDirectory = "/etc/systemd/system";
    public const string StateDirectoryVariable = "HADIRECTOR_STATE_DIR";
    public const string SysctlDirectoryVariable = "HADIRECTOR_SYSCTL_DIR";
    public const string UnitDirectoryVariable = "HADIRECTOR_UNIT_DIR";

    public const string UnitName = "hadirector-realserver.service";

    /// <summary>90-: after the distribution's own files (10-..50-), so ours wins when both set a key.</summary>
    public const string SysctlFileName = "90-hadirector-realserver.conf";

    /// <summary>The network namespace whose state this is (sysctls and lo are per namespace).</summary>
    public RealServerNamespace Namespace { get; init; } = RealServerNamespace.Host;

    /// <summary>realserver.json in the host's namespace; realserver.netns-NAME.json in another.</summary>
    public string StateFile => Path.Combine(StateDirectory, Namespace.StateFileName);

    public string SysctlFile => Path.Combine(SysctlDirectory, SysctlFileName);

    public string UnitFile => Path.Combine(UnitDirectory, UnitName);

    /// <summary>What <c>systemctl enable</c> creates for WantedBy=multi-user.target.</summary>
    public string UnitWantsLink => Path.Combine(UnitDirectory, "multi-user.target.wants", UnitName);

    public static string FromEnvironment(string variable, string fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : fallback;
}
