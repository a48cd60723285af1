using System.Net.Sockets;
using System.Text;

namespace HaDirector.Director.Announce;

/// <summary>
/// Reads BIRD 2's sessions over its control socket, the unix socket <c>birdc</c> uses: a greeting (<c>0001 BIRD 2.0.12
/// ready.</c>), then one command per line and one reply each (<see cref="BirdReply"/>). One short connection per read
/// (BIRD serves many; nothing to keep alive), no process spawned; every reply bounded, and the caller's token
/// (its timeout) ends a read that hangs.
/// </summary>
public sealed class BirdControlClient(string socketPath) : IRoutingDaemonClient
{
    /// <summary>No reply of a director's BIRD comes near this; a larger one is not what we asked for.</summary>
    public const int MaxReplyBytes = 1 << 20;

    public string SocketPath { get; } = socketPath;

    public async Task<RoutingDaemonSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new IOException($"cannot connect to {SocketPath}: {ex.Message}", ex);
        }

        var lines = new LineReader(socket);
        var hello = await lines.ReplyAsync(cancellationToken);
        if (hello.FinalCode != 1)
        {
            throw new IOException($"{SocketPath} is not BIRD's control socket (it said '{BirdReply.Shorten(hello.FinalText)}')");
        }

        var protocols = await CommandAsync(socket, lines, "show protocols all", cancellationToken);
        var bfd = await CommandAsync(socket, lines, "show bfd sessions", cancellationToken);
        var (sessions, note) = BirdParser.Bfd(bfd);
        return new RoutingDaemonSnapshot(BirdParser.Sessions(protocols), sessions, note);
    }

    private static async Task<BirdReply> CommandAsync(Socket socket, LineReader lines, string command, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), SocketFlags.None, cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new IOException($"{command}: {ex.Message}", ex);
        }

        return await lines.ReplyAsync(cancellationToken);
    }

    /// <summary>Splits what the socket sends into lines, up to the line that ends a reply; at most <see cref="MaxReplyBytes"/> a reply.</summary>
    private sealed class LineReader(Socket socket)
    {
        private byte[] _data = new byte[16 * 1024];
        private int _start;
        private int _end;

        public async Task<BirdReply> ReplyAsync(CancellationToken cancellationToken)
        {
            var lines = new List<string>();
            var size = 0;
            while (true)
            {
                var newline = Array.IndexOf(_data, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var line = Encoding.UTF8.GetString(_data, _start, newline - _start).TrimEnd('\r');
                    size += newline + 1 - _start;
                    _start = newline + 1;
                    if (!BirdReply.IsWellFormed(line))
                    {
                        throw new IOException($"not a BIRD control socket reply: '{BirdReply.Shorten(line)}'");
                    }

                    lines.Add(line);
                    if (BirdReply.IsLast(line))
                    {
                        return BirdReply.Parse(lines);
                    }

                    continue;
                }

                if (size + _end - _start > MaxReplyBytes)
                {
                    throw new IOException($"a reply longer than {MaxReplyBytes} bytes: not what was asked for");
                }

                MakeRoom();
                int read;
                try
                {
                    read = await socket.ReceiveAsync(_data.AsMemory(_end), SocketFlags.None, cancellationToken);
                }
                catch (SocketException ex)
                {
                    throw new IOException(ex.Message, ex);
                }

                if (read == 0)
                {
                    throw new IOException("BIRD closed the control connection in the middle of a reply");
                }

                _end += read;
            }
        }

        /// <summary>Moves the unread part to the front, and grows the buffer only for a line longer than it.</summary>
        private void MakeRoom()
        {
            Array.Copy(_data, _start, _data, 0, _end - _start);
            _end -= _start;
            _start = 0;
            if (_end == _data.Length)
            {
                Array.Resize(ref _data, _data.Length * 2);
            }
        }
    }
}
