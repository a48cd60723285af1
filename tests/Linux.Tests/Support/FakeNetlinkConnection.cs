using HaDirector.Linux.Netlink;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Tests.Support;

/// <summary>
/// Stands in for the kernel: records every request and answers with canned reply datagrams or an errno
/// per request. Requests are seen exactly as the socket would send them (before sequence numbering).
/// </summary>
public sealed class FakeNetlinkConnection : INetlinkConnection
{
    public List<byte[]> Requests { get; } = [];

    /// <summary>Reply messages (back to back) for a request; default none.</summary>
    public Func<byte[], byte[]> Replies { get; set; } = _ => [];

    /// <summary>The answer to a request: 0 = success, else the errno (+ optional ext-ack text).</summary>
    public Func<byte[], (int Errno, string? Message)> Answer { get; set; } = _ => (0, null);

    public bool Disposed { get; private set; }

    public bool Execute(Span<byte> request, NetlinkMessageHandler? onReply, string operation)
    {
        var bytes = request.ToArray();
        Requests.Add(bytes);
        var (errno, message) = Answer(bytes);
        if (errno != 0)
        {
            throw new NetlinkErrorException(errno, operation, message);
        }

        foreach (var reply in new NetlinkMessageReader(Replies(bytes)))
        {
            if (reply.Header.Type is not (NetlinkMessageType.Done or NetlinkMessageType.Error))
            {
                onReply?.Invoke(reply);
            }
        }

        return true;
    }

    public NetlinkAck[] ExecuteBatch(Span<byte> requests, string operation)
    {
        var acks = new List<NetlinkAck>();
        foreach (var message in new NetlinkMessageReader(requests))
        {
            var bytes = new byte[NetlinkHeader.Size + message.Payload.Length];
            message.Header.Write(bytes);
            message.Payload.CopyTo(bytes.AsSpan(NetlinkHeader.Size));
            Requests.Add(bytes);
            var (errno, text) = Answer(bytes);
            acks.Add(new NetlinkAck(errno, text, null));
        }

        return [.. acks];
    }

    public void Dispose() => Disposed = true;
}
