using System.Runtime.InteropServices;

namespace HaDirector.HealthCheck.Probes;

/// <summary>errno from a connect (asm-generic/errno.h) as the reasons <see cref="ProbeFailure"/> gives for sockets.</summary>
internal static class ConnectErrors
{
    public const int EINPROGRESS = 115;
    private const int ENETUNREACH = 101;
    private const int ECONNRESET = 104;
    private const int ETIMEDOUT = 110;
    private const int ECONNREFUSED = 111;
    private const int EHOSTDOWN = 112;
    private const int EHOSTUNREACH = 113;

    public static string Reason(int errno) => errno switch
    {
        ECONNREFUSED => ProbeReasons.Refused,
        ECONNRESET => ProbeReasons.Reset,
        ETIMEDOUT => ProbeReasons.TimedOut,
        ENETUNREACH or EHOSTUNREACH or EHOSTDOWN => ProbeReasons.Unreachable,
        _ => "socket error: " + Marshal.GetPInvokeErrorMessage(errno),
    };
}
