namespace HaDirector.Director.Control;

/// <summary>
/// Where the daemon keeps what must outlive it, restarts and reboots alike (today: <c>failover</c>'s maintenance of
/// announced VIPs): $HADIRECTOR_STATE_DIR, else systemd's StateDirectory ($STATE_DIRECTORY, the unit's
/// <c>StateDirectory=hadirector</c>), else /var/lib/hadirector.
/// </summary>
public static class StateDirectory
{
    public const string Variable = "HADIRECTOR_STATE_DIR";

    public const string Default = "/var/lib/hadirector";

    public static string Path =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given ? given
        : Environment.GetEnvironmentVariable("STATE_DIRECTORY") is { Length: > 0 } systemd ? systemd.Split(':')[0]
        : Default;

    /// <summary>
    /// The maintenance file of the daemon that runs <paramref name="configPath"/> in this network namespace (one host
    /// may run several, as the lab does).
    /// </summary>
    public static string MaintenanceFile(string configPath) => System.IO.Path.Combine(Path,
        $"announce-maintenance-{DaemonClaims.NetworkNamespace()}-{RuntimeDirectory.Key(RuntimeDirectory.Canonical(configPath))}");
}
