using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>getsockopt(2).</summary>
    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static unsafe partial int GetSockOpt(SafeHandle socket, int level, int optionName, void* optionValue, uint* optionLength);
}
