using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Configuration;
using HaDirector.Director.Hosting;
using Prometheus;

namespace HaDirector.Director.Tests.Hosting;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task StartAsync_Ipv6Loopback_ServesThereAndNotOnIpv4()
    {
        var port = FreePort();
        using var endpoint = new MetricsEndpoint(new MetricsConfig { Listen = new IPEndPoint(IPAddress.IPv6Loopback, port) }, Prometheus.Metrics.NewCustomRegistry());
        await endpoint.StartAsync(CancellationToken.None);
        try
        {
            using var client = new HttpClient();
            using var response = await client.GetAsync(new Uri($"http://[::1]:{port}/metrics"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            // "Binds only that": the same port on IPv4 loopback has no listener.
            using var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var refused = await Assert.ThrowsAsync<SocketException>(() => v4.ConnectAsync(IPAddress.Loopback, port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
        finally
        {
            await endpoint.StopAsync(CancellationToken.None);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.IPv6Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
