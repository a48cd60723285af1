using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

/// <summary>One classic BPF instruction, struct sock_filter (linux/filter.h): 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SockFilter(ushort Code, byte JumpTrue, byte JumpFalse, uint K)
{
    // linux/bpf_common.h: class | size | mode (loads), class | op | source (jumps, ALU).
    public const ushort LdHAbs = 0x28;
    public const ushort LdBAbs = 0x30;
    public const ushort LdHInd = 0x48;
    public const ushort LdBInd = 0x50;
    public const ushort LdxBMsh = 0xb1;
    public const ushort AluAndK = 0x54;
    public const ushort JmpJeqK = 0x15;
    public const ushort JmpJgtK = 0x25;
    public const ushort JmpJgeK = 0x35;
    public const ushort JmpJsetK = 0x45;
    public const ushort RetK = 0x06;
}
