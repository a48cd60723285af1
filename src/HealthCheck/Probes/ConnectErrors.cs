using System.Runtime.InteropServices;
using static HaDirector.Linux.Interop.Errno;

namespace HaDirector.HealthCheck.Probes;

/// <summary>errno from a connect (constants in <c>Errno</c>) as the reasons <see cref="ProbeFailure"/> gives for sockets.</summary>
internal static class ConnectErrors
{
    public static string Reason(int errno) => errno switch
    {
        ECONNREFUSED => ProbeReasons.Refused,
        ECONNRESET => ProbeReasons.Reset,
        ETIMEDOUT => ProbeReasons.TimedOut,
        ENETUNREACH or EHOSTUNREACH or EHOSTDOWN => ProbeReasons.Unreachable,
        _ => "socket error: " + Marshal.GetPInvokeErrorMessage(errno),
    };
}
