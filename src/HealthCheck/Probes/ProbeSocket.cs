using System.Net;
using System.Net.Sockets;

namespace HaDirector.HealthCheck.Probes;

/// <summary>Opens a fresh TCP connection per probe: a pooled one would hide a server that stopped accepting.</summary>
internal static class ProbeSocket
{
    private static readonly LingerOption Abort = new(enable: true, seconds: 0);

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

    /// <summary>
    /// Makes the coming close a reset (SO_LINGER on, 0 s), as HAProxy closes its health checks: one RST
    /// instead of a FIN exchange, and no TIME_WAIT socket on the director. At 10,000 checks a second the
    /// 60 s TIME_WAIT would hold ~600,000 sockets and could exhaust the ephemeral ports towards one real
    /// server. Only once the probe's conversation is over: a reset drops whatever is still unsent or unread.
    /// </summary>
    public static void ResetOnClose(Socket socket)
    {
        try
        {
            socket.LingerState = Abort;
        }
        catch (SocketException)
        {
            // The peer already reset it: the close needs no help.
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
