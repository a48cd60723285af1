using HaDirector.Linux.Interop;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// The kernel refused an IPVS request. The message says what in the user's terms, e.g.
/// "scheduler 'wlcx' is not loaded in this kernel (ENOENT)"; <see cref="LinuxErrorException.Errno"/> is there for code.
/// </summary>
public class IpvsErrorException : NetlinkErrorException
{
    public IpvsErrorException(int errno, string operation, string? kernelMessage, IpvsOperation? request)
        : base(errno, operation, kernelMessage, IpvsErrorMessages.Explain(errno, operation, kernelMessage, request), null)
    {
        Request = request;
    }

    /// <summary>The table edit that failed; null for commands that are not edits (daemon, timeouts, flush).</summary>
    public IpvsOperation? Request { get; }
}
