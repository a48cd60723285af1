namespace HaDirector.Director.Configuration;

/// <summary>
/// Commands run on each transition of an instance or sync group. <see cref="Command"/> is called as keepalived calls
/// <c>notify</c>: <c>COMMAND INSTANCE|GROUP NAME STATE PRIORITY</c>; the others (keepalived's <c>notify_master</c>,
/// <c>notify_backup</c>, <c>notify_fault</c>, <c>notify_stop</c>) run as given, for that state only.
/// </summary>
public sealed record NotifyConfig
{
    public string? Command { get; init; }

    public string? Master { get; init; }

    public string? Backup { get; init; }

    public string? Fault { get; init; }

    public string? Stop { get; init; }

    /// <summary>A run still going after this is killed and counted as a failure.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}
