using System.Buffers.Binary;
using HaDirector.Director.Hosting;
using HaDirector.Linux.Elf;

namespace HaDirector.Director.Tests.Hosting;

/// <summary>
/// Which pages of our own image are released after start-up: an executable laid out as a linker does (a read-only
/// segment, code, a writable relocated segment), loaded at a base, with a ReadyToRun header in its read-only data.
/// </summary>
public sealed class StartupOnlyPagesTests
{
    private const ulong Base = 0x7f00_0000_0000;
    private const int Page = 0x1000;
    private const ulong HeaderAt = 0x5000;
    private const ulong ModulesAt = 0x20100;

    private static readonly (ulong, ulong)[] RelocationsOnly = [(Base + 0x1000, 0x3000)];

    private readonly byte[] _memory = new byte[0x30000];
    private readonly List<ElfSection> _sections =
    [
        new(".rela.dyn", ElfSection.TypeRela, 2, 0x1000, 0x3800),
        new(".text", 1, 6, 0x10000, 0x10000),
        new("__modules", 1, 3, ModulesAt, 8),
    ];

    private static readonly ElfSegment[] Segments =
    [
        new(ElfSegment.TypePhdr, 4, 0x40, 0x2a0),
        new(ElfSegment.TypeLoad, 4, 0, 0x10000),
        new(ElfSegment.TypeLoad, 5, 0x10000, 0x10000),
        new(ElfSegment.TypeLoad, 6, 0x20000, 0x10000),
    ];

    public StartupOnlyPagesTests()
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_memory.AsSpan((int)ModulesAt), Base + HeaderAt);
        WriteHeader(HeaderAt, (206, 1, Base + 0xa000, Base + 0xb000), (StartupOnlyPages.DehydratedData, 1, Base + 0x6010, Base + 0x9ff0));
    }

    [Fact]
    public void Find_RelocationsAndDehydratedDataInAReadOnlySegment_ReturnsTheirWholePages()
    {
        var found = Find();

        (ulong, ulong)[] expected = [(Base + 0x1000, 0x3000), (Base + 0x7000, 0x2000)];
        Assert.Equal(expected, found);
    }

    [Fact]
    public void Find_DehydratedDataInTheWritableSegment_IsLeftAlone()
    {
        WriteHeader(HeaderAt, (StartupOnlyPages.DehydratedData, 1, Base + 0x21000, Base + 0x28000));

        var found = Find();

        Assert.Equal(RelocationsOnly, found);
    }

    [Fact]
    public void Find_DehydratedDataInCode_IsLeftAlone()
    {
        WriteHeader(HeaderAt, (StartupOnlyPages.DehydratedData, 1, Base + 0x11000, Base + 0x18000));

        var found = Find();

        Assert.Equal(RelocationsOnly, found);
    }

    [Fact]
    public void Find_HeaderWithoutTheReadyToRunSignature_FindsNoDehydratedData()
    {
        _memory[HeaderAt] = 0;

        var found = Find();

        Assert.Equal(RelocationsOnly, found);
    }

    [Fact]
    public void Find_RowWithoutAnEndPointer_IsLeftAlone()
    {
        WriteHeader(HeaderAt, (StartupOnlyPages.DehydratedData, 0, Base + 0x6010, Base + 0x9ff0));

        var found = Find();

        Assert.Equal(RelocationsOnly, found);
    }

    [Fact]
    public void Find_ModulePointerOutsideTheImage_ReadsNothingThere()
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_memory.AsSpan((int)ModulesAt), 0x1234);

        var found = Find();

        Assert.Equal(RelocationsOnly, found);
    }

    [Fact]
    public void Find_NoRelocationsAndNoModules_FindsNothing()
    {
        _sections.Clear();

        Assert.Empty(Find());
    }

    private List<(ulong, ulong)> Find() =>
        StartupOnlyPages.Find(new ElfImage(_sections, Segments), Base, Page, (address, length) =>
        {
            // Find must never read outside the loaded image: the daemon reads its own memory.
            Assert.InRange(address, Base, Base + (ulong)_memory.Length - (ulong)length);
            return _memory.AsSpan((int)(address - Base), length).ToArray();
        });

    private void WriteHeader(ulong at, params (int Id, int Flags, ulong Start, ulong End)[] rows)
    {
        var h = _memory.AsSpan((int)at);
        BinaryPrimitives.WriteUInt32LittleEndian(h, StartupOnlyPages.ReadyToRunSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], (ushort)rows.Length);
        h[14] = 24;
        h[15] = 1;
        for (var i = 0; i < rows.Length; i++)
        {
            var r = h[(16 + i * 24)..];
            BinaryPrimitives.WriteInt32LittleEndian(r, rows[i].Id);
            BinaryPrimitives.WriteInt32LittleEndian(r[4..], rows[i].Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(r[8..], rows[i].Start);
            BinaryPrimitives.WriteUInt64LittleEndian(r[16..], rows[i].End);
        }
    }
}
