using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static unsafe partial class Libc
{
    public const int EpollCloExec = 0x80000;
    public const int EpollCtlAdd = 1;
    public const uint EpollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const uint EpollOneShot = 1u << 30;

    /// <summary>
    /// sizeof(struct epoll_event): x86-64 packs it (u32 events, u64 data at offset 4, 12 bytes); other
    /// architectures align data to 8 (16 bytes). Events are read and written as bytes at these offsets.
    /// </summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(SafeHandle epfd, int op, SafeHandle fd, byte* events);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(SafeHandle epfd, int op, int fd, byte* events);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(SafeHandle epfd, byte* events, int maxEvents, int timeout);
}
