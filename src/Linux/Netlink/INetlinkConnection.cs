using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink;

/// <summary>
/// The request/response half of <see cref="NetlinkSocket"/>, so protocol clients can be tested against a
/// fake that checks the request bytes and serves canned replies.
/// </summary>
public interface INetlinkConnection : IDisposable
{
    /// <summary>See <see cref="NetlinkSocket.Execute"/>.</summary>
    bool Execute(Span<byte> request, NetlinkMessageHandler? onReply, string operation);

    /// <summary>See <see cref="NetlinkSocket.ExecuteBatch"/>.</summary>
    NetlinkAck[] ExecuteBatch(Span<byte> requests, string operation);
}
