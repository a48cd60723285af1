using System.Buffers.Binary;
using HaDirector.Linux.Elf;
using HaDirector.Linux.Interop;

namespace HaDirector.Director.Hosting;

/// <summary>
/// The parts of our own executable that only start-up reads, released once it is over (docs/benchmarks.md,
/// "Footprint, round three"): the dynamic relocations, which ld.so applies once at load, and the Native AOT image's
/// dehydrated type data, which the runtime unpacks into <c>.hydrated</c> once before <c>Main</c> (ILC's
/// <c>--dehydrate</c>, the default on Linux). Both are clean pages of read-only file mappings: released, they
/// leave the process's RSS (and the page cache too when nothing else maps them), and a read would only fault them
/// back in from the file. Code is never touched: the takeover path must stay warm.
/// </summary>
public static class StartupOnlyPages
{
    /// <summary>ReadyToRunSectionType.DehydratedData (dotnet/runtime, ModuleHeaders.cs).</summary>
    internal const int DehydratedData = 207;

    /// <summary>The ReadyToRun header's signature, "RTR".</summary>
    internal const uint ReadyToRunSignature = 0x00525452;

    /// <summary>ModuleInfoFlags.HasEndPointer: the row gives the section's end as well as its start.</summary>
    internal const int HasEndPointer = 1;

    private const int ReadyToRunHeaderSize = 16;
    private const int ReadyToRunRowSize = 24;

    /// <summary>Where Native AOT lists its modules' ReadyToRun headers (one pointer each).</summary>
    private const string ModulesSection = "__modules";
    private const string DynamicRelocations = ".rela.dyn";

    /// <summary>Releases this process's start-up-only pages; returns how many bytes of address range it released.</summary>
    public static long Release()
    {
        ElfImage image;
        try
        {
            image = ElfImage.Read("/proc/self/exe");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return 0;
        }

        // A position-independent executable loads at a base the kernel chose: where its program headers are, less
        // where the file says they are.
        var phdr = image.Segments.FirstOrDefault(s => s.Type == ElfSegment.TypePhdr);
        var phdrAddress = (ulong)Libc.GetAuxVal(LinuxConstants.AtPhdr);
        if (phdr is null || phdrAddress < phdr.VirtualAddress)
        {
            return 0;
        }

        long released = 0;
        foreach (var (start, length) in Find(image, phdrAddress - phdr.VirtualAddress, Environment.SystemPageSize, ReadOwnMemory))
        {
            // PAGEOUT gives the pages back to the machine when only we map them; DONTNEED drops our mapping of the rest.
            // Neither fails on a range of our own read-only mapping; an older kernel without PAGEOUT answers EINVAL.
            _ = Libc.Madvise((nint)start, (nuint)length, LinuxConstants.MadvPageOut);
            if (Libc.Madvise((nint)start, (nuint)length, LinuxConstants.MadvDontNeed) == 0)
            {
                released += (long)length;
            }
        }

        return released;
    }

    /// <summary>
    /// The whole pages of the start-up-only parts of <paramref name="image"/> loaded at <paramref name="loadBase"/>,
    /// as absolute (start, length). Only ranges inside a loaded segment that is neither writable (relocated,
    /// copied on write: dropping those pages would lose the writes) nor executable are returned, and memory is read
    /// only inside loaded segments.
    /// </summary>
    /// <param name="read">Reads <c>length</c> bytes of this process's memory at an absolute address.</param>
    internal static List<(ulong Start, ulong Length)> Find(ElfImage image, ulong loadBase, int pageSize, Func<ulong, int, byte[]> read)
    {
        var found = new List<(ulong, ulong)>();
        if (image.Section(DynamicRelocations) is { Type: ElfSection.TypeRela, Address: > 0 } relocations)
        {
            Add(found, image, loadBase, pageSize, loadBase + relocations.Address, relocations.Size);
        }

        if (image.Section(ModulesSection) is { Address: > 0 } modules)
        {
            for (ulong at = 0; at + 8 <= modules.Size; at += 8)
            {
                var header = ReadInImage(image, loadBase, loadBase + modules.Address + at, 8, read) is { } pointer
                    ? BinaryPrimitives.ReadUInt64LittleEndian(pointer)
                    : 0;
                if (header != 0 && DehydratedDataOf(image, loadBase, header, read) is { } data)
                {
                    Add(found, image, loadBase, pageSize, data.Start, data.End - data.Start);
                }
            }
        }

        return found;
    }

    private static (ulong Start, ulong End)? DehydratedDataOf(ElfImage image, ulong loadBase, ulong header, Func<ulong, int, byte[]> read)
    {
        if (ReadInImage(image, loadBase, header, ReadyToRunHeaderSize, read) is not { } head
            || BinaryPrimitives.ReadUInt32LittleEndian(head) != ReadyToRunSignature || head[14] != ReadyToRunRowSize)
        {
            return null;
        }

        var count = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(12));
        if (ReadInImage(image, loadBase, header + ReadyToRunHeaderSize, count * ReadyToRunRowSize, read) is not { } rows)
        {
            return null;
        }

        for (var i = 0; i < count; i++)
        {
            var row = rows.AsSpan(i * ReadyToRunRowSize, ReadyToRunRowSize);
            if (BinaryPrimitives.ReadInt32LittleEndian(row) == DehydratedData && (BinaryPrimitives.ReadInt32LittleEndian(row[4..]) & HasEndPointer) != 0)
            {
                var start = BinaryPrimitives.ReadUInt64LittleEndian(row[8..]);
                var end = BinaryPrimitives.ReadUInt64LittleEndian(row[16..]);
                return end > start ? (start, end) : null;
            }
        }

        return null;
    }

    private static void Add(List<(ulong, ulong)> found, ElfImage image, ulong loadBase, int pageSize, ulong start, ulong length)
    {
        var segment = LoadedSegment(image, loadBase, start, length);
        if (segment is null || (segment.Flags & (ElfSegment.FlagWrite | ElfSegment.FlagExecute)) != 0)
        {
            return;
        }

        var page = (ulong)pageSize;
        var first = (start + page - 1) / page * page;
        var last = (start + length) / page * page;
        if (last > first)
        {
            found.Add((first, last - first));
        }
    }

    private static byte[]? ReadInImage(ElfImage image, ulong loadBase, ulong address, int length, Func<ulong, int, byte[]> read) =>
        LoadedSegment(image, loadBase, address, (ulong)length) is null ? null : read(address, length);

    private static ElfSegment? LoadedSegment(ElfImage image, ulong loadBase, ulong address, ulong length) =>
        address < loadBase ? null : image.Segments.FirstOrDefault(s => s.Type == ElfSegment.TypeLoad && s.Contains(address - loadBase, length));

    private static unsafe byte[] ReadOwnMemory(ulong address, int length) => new ReadOnlySpan<byte>((void*)address, length).ToArray();
}
