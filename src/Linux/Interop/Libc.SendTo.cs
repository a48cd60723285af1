using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>sendto(2) with a raw sockaddr (sockaddr_ll for AF_PACKET). Returns the bytes sent or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static unsafe partial nint SendTo(SafeHandle socket, byte* buffer, nuint length, int flags, void* address, uint addressLength);
}
