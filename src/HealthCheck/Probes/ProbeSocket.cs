using System.Net;
using System.Net.Sockets;

namespace HaDirector.HealthCheck.Probes;

/// <summary>Opens a fresh TCP connection per probe: a pooled one would hide a server that stopped accepting.</summary>
internal static class ProbeSocket
{
    public static async ValueTask<Socket> ConnectAsync(ProbeEndpoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Source is { } source)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(endpoint.Target, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads until the peer closes, the buffer is full or <paramref name="enough"/> says so; returns the bytes read.</summary>
    public static async ValueTask<int> ReadAsync(
        Socket socket, Memory<byte> buffer, Func<ReadOnlyMemory<byte>, bool>? enough, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer[total..], SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
            if (enough is not null && enough(buffer[..total]))
            {
                break;
            }
        }

        return total;
    }
}
