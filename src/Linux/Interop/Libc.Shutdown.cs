using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>shutdown(2)'s SHUT_RD: no more receptions.</summary>
    public const int ShutRd = 0;

    /// <summary>shutdown(2). Returns 0, or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(SafeHandle socket, int how);
}
