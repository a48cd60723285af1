using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static unsafe partial class Libc
{
    public const int EfdNonBlock = 0x800;
    public const int EfdCloExec = 0x80000;

    /// <summary>eventfd(2): a counter another thread's epoll can wait on. Returns the descriptor or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    /// <summary>eventfd_write(3): adds to the counter, waking a waiter.</summary>
    [LibraryImport("libc", EntryPoint = "eventfd_write", SetLastError = true)]
    public static partial int EventFdWrite(SafeHandle fd, ulong value);

    /// <summary>eventfd_read(3): takes the counter and sets it to 0.</summary>
    [LibraryImport("libc", EntryPoint = "eventfd_read", SetLastError = true)]
    public static partial int EventFdRead(SafeHandle fd, ulong* value);
}
