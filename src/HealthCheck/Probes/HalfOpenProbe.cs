using System.Net;
using System.Net.Sockets;
using HaDirector.HealthCheck.Scheduling;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// The TCP check's half-open mode: proves the real server's kernel accepts connections on the port (SYN-ACK),
/// not that its application would accept one; in exchange the application is never woken and neither side
/// keeps any state. Runs on a <see cref="HalfOpenEngine"/>; a scheduler runs its rounds on the engine's thread.
/// </summary>
/// <param name="engine">Null when the engine could not be made (no CAP_NET_RAW): every check is then down with <paramref name="unavailable"/>.</param>
public sealed class HalfOpenProbe(ProbeEndpoint endpoint, HalfOpenEngine? engine, string? unavailable = null) : IProbe
{
    // The source a connect would use, found once and again after a failure (a route or an address may have moved).
    private IPAddress? _source;

    public RoundEngine? Engine => engine;

    /// <summary>Where the SYN goes, for the engine's lane that sends it.</summary>
    internal ProbeEndpoint Endpoint => endpoint;

    public async ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        if (engine is null)
        {
            return ProbeResult.Failure(unavailable ?? "half-open engine unavailable");
        }

        try
        {
            _source ??= LocalSource(endpoint);
            var result = await engine.ProbeAsync(endpoint.Target, _source, cancellationToken);
            if (!result.Up)
            {
                _source = null;
            }

            return result;
        }
        catch (Exception e)
        {
            return ProbeFailure.From(e, cancellationToken);
        }
    }

    /// <summary>
    /// A connected UDP socket's local address: the route's source, without sending anything. Bound to the
    /// configured source first, so an address that is not ours fails as it would for a connect (a raw socket
    /// would send it anyway, and the answer would go elsewhere).
    /// </summary>
    internal static IPAddress LocalSource(ProbeEndpoint endpoint)
    {
        using var udp = new Socket(endpoint.Target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (endpoint.Source is { } bound)
        {
            udp.Bind(new IPEndPoint(bound, 0));
        }

        udp.Connect(endpoint.Target);
        return ((IPEndPoint)udp.LocalEndPoint!).Address;
    }
}
