namespace HaDirector.Director.Control;

/// <summary>Process exit codes, documented in docs/cli.md.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The daemon failed at run time (an error it logged).</summary>
    public const int Failure = 1;

    /// <summary>The configuration file has errors; each was printed with file:line:column.</summary>
    public const int ConfigInvalid = 2;

    /// <summary>The command cannot do what was asked in the current state (e.g. failover on a backup).</summary>
    public const int NotApplicable = 3;

    /// <summary>The daemon is not running or its control socket cannot be reached.</summary>
    public const int DaemonUnreachable = 4;

    /// <summary>
    /// <c>run</c>: another hadirector already runs this configuration, or one of its VRIDs on the same interface or one of
    /// its VIPs; nothing was touched.
    /// </summary>
    public const int AlreadyRunning = 5;

    /// <summary>A command-line argument is invalid (e.g. a --vip that is not an IPv4 address); sysexits EX_USAGE.</summary>
    public const int UsageError = 64;

    /// <summary>The command needs root (or a capability the process lacks); sysexits EX_NOPERM.</summary>
    public const int NotPermitted = 77;
}
