using System.Globalization;
using HaDirector.Linux.Interop;

namespace HaDirector.Director.Hosting;

/// <summary>
/// Gives back what start-up alone needed (docs/benchmarks.md, "Footprint"): the malloc arenas' free memory and the
/// pages of the executable that only start-up ran (~4 MiB of the seed's ~24). No forced garbage collection: measured,
/// it returned nothing, and it would pause the VRRP threads for as long as the heap is large.
/// </summary>
public static class MemoryTrim
{
    /// <summary>When <see cref="AfterStart"/> runs: start-up is over (the first checks and reconcile passes done).</summary>
    public static readonly TimeSpan AfterStartDelay = TimeSpan.FromSeconds(30);

    /// <summary>Once, after start-up: malloc's free pages and the executable's clean pages (mapped again from the page cache when touched).</summary>
    public static void AfterStart()
    {
        Libc.MallocTrim(0);
        if (Environment.ProcessPath is { } image)
        {
            try
            {
                foreach (var (start, length) in CleanImageRanges(File.ReadAllText("/proc/self/smaps"), image))
                {
                    // MADV_DONTNEED on a clean private file mapping only unmaps: the next access maps the same page
                    // from the page cache again (a minor fault), so only pages nothing uses any more stay out.
                    Libc.MAdvise((nint)start, (nuint)length, Libc.MadvDontNeed);
                }
            }
            catch (IOException)
            {
                // no /proc: nothing to trim
            }
        }
    }

    /// <summary>
    /// The mappings of <paramref name="image"/> in <paramref name="smaps"/> (/proc/self/smaps) that are read-only
    /// (r--p, r-xp) and hold no page of their own (Anonymous: 0 kB): code and constant data, identical to the
    /// file. A writable mapping, or a read-only one the loader wrote before protecting it (RELRO), is never listed:
    /// dropping its pages would bring back the file's bytes.
    /// </summary>
    public static IReadOnlyList<(ulong Start, ulong Length)> CleanImageRanges(string smaps, string image)
    {
        var ranges = new List<(ulong, ulong)>();
        (ulong Start, ulong End)? candidate = null;
        foreach (var line in smaps.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (!fields[0].EndsWith(':'))
            {
                // A mapping: "start-end perms offset dev inode [path]".
                candidate = null;
                var bounds = fields[0].Split('-');
                if (fields.Length >= 6 && bounds.Length == 2 && fields[1] is "r--p" or "r-xp"
                    && string.Join(' ', fields[5..]) == image
                    && ulong.TryParse(bounds[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                    && ulong.TryParse(bounds[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end) && end > start)
                {
                    candidate = (start, end);
                }
            }
            else if (candidate is { } c && fields[0] == "Anonymous:" && fields.Length >= 2)
            {
                if (fields[1] == "0")
                {
                    ranges.Add((c.Start, c.End - c.Start));
                }

                candidate = null;
            }
        }

        return ranges;
    }
}
