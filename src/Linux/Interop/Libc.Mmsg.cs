using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static unsafe partial class Libc
{
    /// <summary>sendmmsg(2): many datagrams in one call. Returns how many went, or -1 with errno when the first failed.</summary>
    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(SafeHandle socket, MMsgHdr* messages, uint count, int flags);

    /// <summary>recvmmsg(2) without a timeout; with MSG_WAITFORONE it blocks for the first datagram only.</summary>
    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(SafeHandle socket, MMsgHdr* messages, uint count, int flags, void* timeout);
}
