namespace HaDirector.Director.Configuration;

/// <summary>One <c>vrrp.trackers[]</c> entry: defined once, run once however many instances track it.</summary>
public sealed record TrackerConfig
{
    public string Name { get; init; } = "";

    public TrackerType Type { get; init; }

    /// <summary>Interface: the link watched.</summary>
    public string? Interface { get; init; }

    /// <summary>Script: the command line (split on spaces, no shell; use <c>sh -c '...'</c> for one).</summary>
    public string? Command { get; init; }

    /// <summary>File: the file holding an integer.</summary>
    public string? Path { get; init; }

    /// <summary>Process: the name matched against <c>/proc/PID/comm</c> or the base name of argv[0].</summary>
    public string? Process { get; init; }

    /// <summary>VirtualServer: the <c>virtualServers[].name</c> whose real servers are counted.</summary>
    public string? VirtualServer { get; init; }

    /// <summary>VirtualServer: fewer real servers up than this is a failure.</summary>
    public int MinUp { get; init; } = 1;

    /// <summary>Script, file and process: how often the command runs or the file and /proc are read.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Script: a run still going after this is killed and counts as a failure.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Script: successes in a row before a failing script is up again.</summary>
    public int Rise { get; init; } = 1;

    /// <summary>Script: failures in a row before an up script is failing.</summary>
    public int Fall { get; init; } = 1;
}
