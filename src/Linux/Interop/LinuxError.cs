using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

/// <summary>The one place where a raw errno becomes an exception.</summary>
public static class LinuxError
{
    /// <summary>Throws for the errno of the last P/Invoke when <paramref name="result"/> is -1.</summary>
    public static int ThrowIfFailed(int result, string operation)
    {
        if (result == -1)
        {
            throw FromLastError(operation);
        }

        return result;
    }

    public static LinuxErrorException FromLastError(string operation) =>
        new(Marshal.GetLastPInvokeError(), operation);

    /// <summary>The errno of the last P/Invoke, for callers that retry on some (EINTR) before throwing.</summary>
    public static int LastErrno() => Marshal.GetLastPInvokeError();

    /// <summary>The errno behind a managed socket failure, so callers see the same exception type.</summary>
    public static int ErrnoOf(SocketException exception) => exception.SocketErrorCode switch
    {
        SocketError.NoBufferSpaceAvailable => Errno.ENOBUFS,
        SocketError.TimedOut or SocketError.WouldBlock => Errno.ETIMEDOUT,
        SocketError.Interrupted => Errno.EINTR,
        SocketError.MessageSize => Errno.EMSGSIZE,
        SocketError.AccessDenied => Errno.EACCES,
        _ => exception.NativeErrorCode > 0 ? exception.NativeErrorCode : Errno.EIO,
    };

    public static LinuxErrorException FromSocketException(SocketException exception, string operation, string? detail = null) =>
        new(ErrnoOf(exception), operation, detail);
}
