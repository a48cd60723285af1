using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

/// <summary>struct iovec (sys/uio.h).</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct IoVec
{
    public void* Base;
    public nuint Length;
}
