using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

/// <summary>A descriptor from a libc call that is not a socket (timerfd, say); closed with close(2).</summary>
public sealed class LinuxFileDescriptor : SafeHandle
{
    public LinuxFileDescriptor(int fd)
        : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    protected override bool ReleaseHandle() => Libc.Close(handle.ToInt32()) == 0;
}
