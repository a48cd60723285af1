using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

/// <summary>
/// struct mmsghdr (sys/socket.h): a struct msghdr and the byte count the kernel fills in, with C's padding
/// on 64-bit Linux spelled out (msg_len at 56, 64 bytes in all; pinned by a test).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct MMsgHdr
{
    public void* Name;
    public uint NameLength;
    private readonly int _namePadding;
    public IoVec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;

    // struct msghdr ends on an 8-byte boundary: msg_len starts at 56, not right after msg_flags.
    private readonly int _headerPadding;

    /// <summary>msg_len: bytes sent or received for this message.</summary>
    public uint Length;

    private readonly int _padding;
}
