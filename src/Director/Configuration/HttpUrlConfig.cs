using HaDirector.HealthCheck.Probes;

namespace HaDirector.Director.Configuration;

/// <summary>
/// One URL of an HTTP(S) check that tests several (<c>healthCheck.urls[]</c>, keepalived's <c>url { }</c> blocks):
/// each must answer as it says for the check to pass.
/// </summary>
public sealed record HttpUrlConfig
{
    public string Path { get; init; } = "/";

    public ValueList<StatusCodeRange> ExpectStatus { get; init; } = [new StatusCodeRange(200, 299)];

    /// <summary>MD5 or SHA-256 of the body, lower case.</summary>
    public string? Digest { get; init; }

    /// <summary>Already checked to compile.</summary>
    public string? BodyRegex { get; init; }
}
