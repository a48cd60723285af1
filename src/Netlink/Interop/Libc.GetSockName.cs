using System.Runtime.InteropServices;

namespace HaDirector.Netlink.Interop;

internal static partial class Libc
{
    /// <summary>getsockname(2); for netlink it tells the port id the kernel gave us.</summary>
    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    internal static unsafe partial int GetSockName(SafeHandle socket, SockAddrNetlink* address, uint* addressLength);
}
