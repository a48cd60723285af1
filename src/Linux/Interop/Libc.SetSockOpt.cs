using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>setsockopt(2); used for SOL_NETLINK options and the *BUFFORCE options the managed API lacks.</summary>
    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static unsafe partial int SetSockOpt(SafeHandle socket, int level, int optionName, void* optionValue, uint optionLength);
}
