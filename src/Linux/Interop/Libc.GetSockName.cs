using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>getsockname(2); for netlink it tells the port id the kernel gave us.</summary>
    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static unsafe partial int GetSockName(SafeHandle socket, SockAddrNetlink* address, uint* addressLength);
}
