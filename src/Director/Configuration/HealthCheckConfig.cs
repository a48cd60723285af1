namespace HaDirector.Director.Configuration;

/// <summary>How a virtual server's real servers are probed; absent in YAML means a TCP connect check.</summary>
public sealed record HealthCheckConfig
{
    public HealthCheckType Type { get; init; } = HealthCheckType.Tcp;

    /// <summary>HTTP(S) request path.</summary>
    public string Path { get; init; } = "/";

    /// <summary>HTTP(S) Host header; null: the real server's address.</summary>
    public string? Host { get; init; }

    public ValueList<StatusRange> ExpectStatus { get; init; } = [new StatusRange(200, 299)];

    /// <summary>Already checked to compile.</summary>
    public string? BodyRegex { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive successes before a down server is up again.</summary>
    public int Rise { get; init; } = 2;

    /// <summary>Consecutive failures before an up server is down.</summary>
    public int Fall { get; init; } = 3;

    /// <summary>Extra attempts within one round before it counts as a failure.</summary>
    public int Retry { get; init; }

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public FailureAction OnFailure { get; init; } = FailureAction.Remove;

    /// <summary>The exec check's command line.</summary>
    public string? Command { get; init; }

    /// <summary>Null: the real server's port.</summary>
    public int? Port { get; init; }
}
