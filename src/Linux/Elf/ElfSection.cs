namespace HaDirector.Linux.Elf;

/// <summary>One entry of an ELF file's section header table (elf(5)): where the section sits in memory once loaded.</summary>
/// <param name="Address">sh_addr: relative to the load base in a position-independent executable; 0 if not loaded.</param>
public sealed record ElfSection(string Name, uint Type, ulong Flags, ulong Address, ulong Size)
{
    /// <summary>SHT_RELA: relocation entries with addends.</summary>
    public const uint TypeRela = 4;
}
