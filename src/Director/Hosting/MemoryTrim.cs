using HaDirector.Linux.Interop;

namespace HaDirector.Director.Hosting;

/// <summary>
/// Gives back what start-up alone needed (docs/benchmarks.md, "Footprint"): the malloc arenas' free memory and the
/// executable's start-up-only pages (<see cref="StartupOnlyPages"/>). No forced garbage collection: measured, it
/// returned nothing, and it would pause the VRRP threads for as long as the heap is large.
/// </summary>
public static class MemoryTrim
{
    /// <summary>When <see cref="AfterStart"/> runs: start-up is over (the first checks and reconcile passes done).</summary>
    public static readonly TimeSpan AfterStartDelay = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Once, after start-up: malloc's free pages and the image's relocations and dehydrated type data. The
    /// executable's clean code pages are deliberately kept: dropping them (madvise DONTNEED, 4 MiB less RSS measured)
    /// would undo the warm-up of the takeover path, whose code then faults back in at the takeover itself, from disk
    /// if memory pressure took the page cache; and the kernel reclaims clean file pages under pressure anyway.
    /// </summary>
    public static void AfterStart()
    {
        Libc.MallocTrim(0);
        StartupOnlyPages.Release();
    }
}
