using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>send(2). Returns the bytes sent or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static unsafe partial nint Send(SafeHandle socket, byte* buffer, nuint length, int flags);
}
