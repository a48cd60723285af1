using System.Runtime.InteropServices;

namespace HaDirector.Netlink.Interop;

internal static partial class Libc
{
    /// <summary>socket(2). Returns the descriptor or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);
}
