using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>unshare(2). With CLONE_NEWNET it gives only the calling thread a fresh network namespace.</summary>
    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    public static partial int Unshare(int flags);
}
