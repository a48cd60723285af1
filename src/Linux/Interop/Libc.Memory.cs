using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>madvise(2)'s MADV_DONTNEED.</summary>
    public const int MadvDontNeed = 4;

    /// <summary>malloc_trim(3): gives the free memory of every arena back to the kernel. Returns 1 if any was.</summary>
    [LibraryImport("libc", EntryPoint = "malloc_trim", SetLastError = true)]
    public static partial int MallocTrim(nuint pad);

    /// <summary>madvise(2). Returns 0 or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    public static partial int MAdvise(nint address, nuint length, int advice);
}
