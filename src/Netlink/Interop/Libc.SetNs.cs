using System.Runtime.InteropServices;

namespace HaDirector.Netlink.Interop;

internal static partial class Libc
{
    /// <summary>setns(2). Moves only the calling thread into the namespace.</summary>
    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(SafeHandle namespaceFile, int nsType);
}
