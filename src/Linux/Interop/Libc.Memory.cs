using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>malloc_trim(3): gives the free memory of every arena back to the kernel. Returns 1 if any was.</summary>
    [LibraryImport("libc", EntryPoint = "malloc_trim", SetLastError = true)]
    public static partial int MallocTrim(nuint pad);
}
