using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink;

/// <summary>The kernel refused a netlink request: its errno plus the extended-ACK text if it gave one.</summary>
public class NetlinkErrorException : LinuxErrorException
{
    public NetlinkErrorException(int errno, string operation, string? kernelMessage)
        : base(errno, operation, kernelMessage is null ? null : "kernel says: " + kernelMessage)
    {
        KernelMessage = kernelMessage;
    }

    protected NetlinkErrorException(int errno, string operation, string? kernelMessage, string message, Exception? inner)
        : base(errno, operation, message, inner)
    {
        KernelMessage = kernelMessage;
    }

    /// <summary>NLMSGERR_ATTR_MSG, e.g. "Invalid prefix for given prefix length"; null if the kernel said nothing.</summary>
    public string? KernelMessage { get; }

    public static NetlinkErrorException From(NetlinkAck ack, string operation) =>
        new(ack.Errno, operation, ack.KernelMessage);
}
