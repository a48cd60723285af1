using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>bind(2) with a sockaddr_nl; .NET has no EndPoint for AF_NETLINK.</summary>
    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static unsafe partial int Bind(SafeHandle socket, SockAddrNetlink* address, uint addressLength);

    /// <summary>bind(2) with a raw sockaddr (sockaddr_ll for AF_PACKET: .NET has no EndPoint for it either).</summary>
    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static unsafe partial int Bind(SafeHandle socket, byte* address, uint addressLength);
}
