using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>recv(2). Returns the bytes received or -1 with errno set (EAGAIN when SO_RCVTIMEO ran out).</summary>
    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static unsafe partial nint Recv(SafeHandle socket, byte* buffer, nuint length, int flags);
}
