namespace HaDirector.Linux.Elf;

/// <summary>One entry of an ELF file's program header table (elf(5)): a part of the file the loader maps.</summary>
public sealed record ElfSegment(uint Type, uint Flags, ulong VirtualAddress, ulong MemorySize)
{
    /// <summary>PT_LOAD: mapped from the file.</summary>
    public const uint TypeLoad = 1;

    /// <summary>PT_PHDR: the program header table itself, as loaded.</summary>
    public const uint TypePhdr = 6;

    /// <summary>PF_X: machine code.</summary>
    public const uint FlagExecute = 1;

    /// <summary>PF_W: the loader maps the segment writable (and may write it: relocations, .data).</summary>
    public const uint FlagWrite = 2;

    public bool Contains(ulong address, ulong length) =>
        address >= VirtualAddress && length <= MemorySize && address - VirtualAddress <= MemorySize - length;
}
