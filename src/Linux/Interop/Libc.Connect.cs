using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

/// <summary>
/// Socket calls on a descriptor with a raw sockaddr (from <see cref="SockAddrInet"/>), for sockets driven without
/// <see cref="System.Net.Sockets.Socket"/> (the health checks' connect loop, their port reservation); each returns
/// -1 with errno set on failure.
/// </summary>
public static unsafe partial class Libc
{
    public const int SockStream = 1;
    public const int SockNonBlock = 0x800;
    public const int SockCloExec = 0x80000;
    public const int SolSocket = 1;
    public const int SoError = 4;
    public const int SoLinger = 13;

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(SafeHandle fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(SafeHandle fd, byte* address, int length);

    // The same on a plain descriptor: the health checks' connect rounds own theirs for a few microseconds each and
    // hold no SafeHandle (a finalizable object per check) for it.
    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int optionName, void* optionValue, uint* optionLength);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int optionName, void* optionValue, uint optionLength);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(SafeHandle fd, byte* address, int* length);
}
