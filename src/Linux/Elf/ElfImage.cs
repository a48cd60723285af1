using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace HaDirector.Linux.Elf;

/// <summary>
/// The section and program header tables of a 64-bit little-endian ELF file (elf(5)), read from its headers alone:
/// what a process needs to find parts of its own executable in memory.
/// </summary>
public sealed class ElfImage
{
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const ulong MaxNamesSize = 1 << 20;

    /// <summary>EI_MAG0..3: 0x7f 'E' 'L' 'F'.</summary>
    private static ReadOnlySpan<byte> Magic => [0x7f, (byte)'E', (byte)'L', (byte)'F'];

    public IReadOnlyList<ElfSection> Sections { get; }
    public IReadOnlyList<ElfSegment> Segments { get; }

    public ElfImage(IReadOnlyList<ElfSection> sections, IReadOnlyList<ElfSegment> segments)
    {
        Sections = sections;
        Segments = segments;
    }

    public ElfSection? Section(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>Reads <paramref name="path"/>'s headers (e.g. /proc/self/exe, which stays readable if the file is replaced).</summary>
    /// <exception cref="InvalidDataException">Not a 64-bit little-endian ELF file, or its tables run past its end.</exception>
    public static ElfImage Read(string path)
    {
        using var file = File.OpenHandle(path);
        var header = ReadAt(file, 0, HeaderSize, path);
        if (!header.AsSpan(0, 4).SequenceEqual(Magic) || header[4] != 2 || header[5] != 1)
        {
            throw new InvalidDataException($"{path}: not a 64-bit little-endian ELF file");
        }

        var phoff = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(0x20));
        var shoff = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(0x28));
        var phnum = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x38));
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x3C));
        var shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x3E));

        var segments = new List<ElfSegment>(phnum);
        var ph = ReadAt(file, phoff, phnum * ProgramHeaderSize, path);
        for (var i = 0; i < phnum; i++)
        {
            var e = ph.AsSpan(i * ProgramHeaderSize, ProgramHeaderSize);
            segments.Add(new ElfSegment(BinaryPrimitives.ReadUInt32LittleEndian(e), BinaryPrimitives.ReadUInt32LittleEndian(e[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[0x10..]), BinaryPrimitives.ReadUInt64LittleEndian(e[0x28..])));
        }

        var sh = ReadAt(file, shoff, shnum * SectionHeaderSize, path);
        var sections = new List<ElfSection>(shnum);
        if (shnum > 0 && shstrndx < shnum)
        {
            var names = sh.AsSpan(shstrndx * SectionHeaderSize, SectionHeaderSize);
            var namesSize = BinaryPrimitives.ReadUInt64LittleEndian(names[0x20..]);
            if (namesSize > MaxNamesSize)
            {
                throw new InvalidDataException($"{path}: section names table of {namesSize} bytes");
            }

            var strtab = ReadAt(file, BinaryPrimitives.ReadInt64LittleEndian(names[0x18..]), (int)namesSize, path);
            for (var i = 0; i < shnum; i++)
            {
                var e = sh.AsSpan(i * SectionHeaderSize, SectionHeaderSize);
                sections.Add(new ElfSection(NameAt(strtab, BinaryPrimitives.ReadUInt32LittleEndian(e)),
                    BinaryPrimitives.ReadUInt32LittleEndian(e[4..]), BinaryPrimitives.ReadUInt64LittleEndian(e[8..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(e[0x10..]), BinaryPrimitives.ReadUInt64LittleEndian(e[0x20..])));
            }
        }

        return new ElfImage(sections, segments);
    }

    private static string NameAt(byte[] strtab, uint offset)
    {
        if (offset >= strtab.Length)
        {
            return "";
        }

        var rest = strtab.AsSpan((int)offset);
        var end = rest.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]);
    }

    private static byte[] ReadAt(SafeFileHandle file, long offset, int length, string path)
    {
        var buffer = new byte[length];
        if (offset < 0 || RandomAccess.Read(file, buffer, offset) != length)
        {
            throw new InvalidDataException($"{path}: ELF table at offset {offset} runs past the end of the file");
        }

        return buffer;
    }
}
