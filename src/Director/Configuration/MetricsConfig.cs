using System.Net;

namespace HaDirector.Director.Configuration;

/// <summary>The Prometheus endpoint.</summary>
public sealed record MetricsConfig
{
    public static readonly IPEndPoint DefaultListen = new(IPAddress.Loopback, 9810);

    /// <summary>Null: metrics are off (YAML <c>listen: off</c> or empty).</summary>
    public IPEndPoint? Listen { get; init; } = DefaultListen;
}
