using System.Runtime.InteropServices;

namespace HaDirector.Netlink.Interop;

internal static partial class Libc
{
    /// <summary>unshare(2). With CLONE_NEWNET it gives only the calling thread a fresh network namespace.</summary>
    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    internal static partial int Unshare(int flags);
}
