using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>malloc_trim(3): gives the free memory of every arena back to the kernel. Returns 1 if any was.</summary>
    [LibraryImport("libc", EntryPoint = "malloc_trim", SetLastError = true)]
    public static partial int MallocTrim(nuint pad);

    /// <summary>madvise(2).</summary>
    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    public static partial int Madvise(nint address, nuint length, int advice);

    /// <summary>getauxval(3): a value of the auxiliary vector the kernel gave the process (0 when absent).</summary>
    [LibraryImport("libc", EntryPoint = "getauxval", SetLastError = true)]
    public static partial nuint GetAuxVal(nuint type);
}
