using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HaDirector.Bench.HealthCheck;

/// <summary>
/// The real servers, in their own process so their CPU is not counted as the checker's: listeners on
/// 127.1.0.1.. × ports, accepting and closing (tcp) or answering one small HTTP response (http).
/// On stdin, <c>drop N</c> closes every listener of the first N addresses, so their checks start failing.
/// </summary>
internal static class ListenerFarm
{
    private static readonly byte[] Response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");

    public static async Task<int> RunAsync(int addresses, int firstPort, int ports, bool http)
    {
        var listeners = new Socket[addresses, ports];
        var loops = new List<Task>();
        for (var a = 0; a < addresses; a++)
        {
            for (var p = 0; p < ports; p++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(Address(a), firstPort + p));
                socket.Listen(512);
                listeners[a, p] = socket;
                loops.Add(AcceptAsync(socket, http));
            }
        }

        Console.WriteLine("ready");
        while (Console.ReadLine() is { } line)
        {
            if (line.StartsWith("drop ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(5), out var drop))
            {
                for (var a = 0; a < Math.Min(drop, addresses); a++)
                {
                    for (var p = 0; p < ports; p++)
                    {
                        listeners[a, p].Dispose();
                    }
                }

                Console.WriteLine("dropped");
            }
        }

        return 0;
    }

    public static IPAddress Address(int index) => new([127, 1, (byte)(index / 250), (byte)(index % 250 + 1)]);

    private static async Task AcceptAsync(Socket listener, bool http)
    {
        var buffer = new byte[1024];
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (Exception)
            {
                return;
            }

            if (http)
            {
                _ = AnswerAsync(client, buffer.Length);
            }
            else
            {
                client.Dispose();
            }
        }
    }

    private static async Task AnswerAsync(Socket client, int size)
    {
        using (client)
        {
            try
            {
                var buffer = new byte[size];
                var total = 0;
                while (buffer.AsSpan(0, total).IndexOf("\r\n\r\n"u8) < 0 && total < size)
                {
                    var read = await client.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None);
                    if (read == 0)
                    {
                        return;
                    }

                    total += read;
                }

                await client.SendAsync(Response, SocketFlags.None);
                client.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
            }
        }
    }
}
