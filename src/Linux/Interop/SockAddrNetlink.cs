using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

/// <summary>struct sockaddr_nl from linux/netlink.h: 12 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct SockAddrNetlink
{
    public ushort Family;   // nl_family = AF_NETLINK
    public ushort Padding;  // nl_pad, must be zero
    public uint PortId;     // nl_pid: 0 asks the kernel to pick one on bind
    public uint Groups;     // nl_groups: legacy 32-bit multicast group mask
}
