using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

/// <summary>
/// A failed Linux call: the errno, the operation that failed and strerror's text.
/// Every errno of the product becomes one of these (or a subclass) through <see cref="LinuxError"/>.
/// </summary>
public class LinuxErrorException : IOException
{
    public LinuxErrorException(int errno, string operation, string? detail = null)
        : base(FormatMessage(errno, operation, detail))
    {
        Errno = errno;
        Operation = operation;
        HResult = errno;
    }

    /// <summary>For subclasses that write the whole message themselves.</summary>
    protected LinuxErrorException(int errno, string operation, string message, Exception? inner)
        : base(message, inner)
    {
        Errno = errno;
        Operation = operation;
        HResult = errno;
    }

    /// <summary>The positive errno value (e.g. 17 for EEXIST).</summary>
    public int Errno { get; }

    /// <summary>What was being done, e.g. "bind(AF_NETLINK)" or "RTM_NEWADDR".</summary>
    public string Operation { get; }

    /// <summary>Symbolic errno name, e.g. "EEXIST".</summary>
    public string ErrnoName => Interop.Errno.Name(Errno);

    /// <summary>strerror(3)-like text for an errno, e.g. "File exists".</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    private static string FormatMessage(int errno, string operation, string? detail)
    {
        var text = $"{operation} failed: {Describe(errno)} ({Interop.Errno.Name(errno)})";
        return string.IsNullOrEmpty(detail) ? text : $"{text}: {detail}";
    }
}
