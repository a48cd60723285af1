using HaDirector.Linux.Netlink;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Bench.Ipvs;

/// <summary>
/// A netlink connection that answers every edit with success and every dump with nothing: the child's
/// code path on a host without IPVS, so what the JIT compiles on the way to a table can be listed there
/// (<c>DOTNET_JitStdOutFile</c>) instead of in a VM boot.
/// </summary>
public sealed class AckingConnection : INetlinkConnection
{
    public bool Execute(Span<byte> request, NetlinkMessageHandler? onReply, string operation) => true;

    public NetlinkAck[] ExecuteBatch(Span<byte> requests, string operation)
    {
        var count = 0;
        for (var position = 0; position < requests.Length; count++)
        {
            position += NetlinkAlignment.Align((int)NetlinkHeader.Read(requests[position..]).Length);
        }

        return new NetlinkAck[count];
    }

    public void Dispose()
    {
    }
}
