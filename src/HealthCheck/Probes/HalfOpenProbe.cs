using System.Net;
using System.Net.Sockets;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// The TCP check's half-open mode: proves the real server's kernel accepts connections on the port (SYN-ACK),
/// not that its application would accept one; in exchange the application is never woken and neither side
/// keeps any state. Runs on <see cref="HalfOpenEngine"/>.
/// </summary>
public sealed class HalfOpenProbe(ProbeEndpoint endpoint) : IProbe
{
    // The source a connect would use, found once and again after a failure (a route or an address may have moved).
    private IPAddress? source;

    /// <summary>What a scheduler that runs this probe's rounds on the engine itself (<c>HalfOpenRounds</c>) sends to.</summary>
    internal ProbeEndpoint Endpoint => endpoint;

    public async ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            source ??= LocalSource(endpoint);
            var result = await HalfOpenEngine.Shared.ProbeAsync(endpoint.Target, source, cancellationToken);
            if (!result.Up)
            {
                source = null;
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
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        if (endpoint.Source is { } bound)
        {
            udp.Bind(new IPEndPoint(bound, 0));
        }

        udp.Connect(endpoint.Target);
        return ((IPEndPoint)udp.LocalEndPoint!).Address;
    }
}
