using HaDirector.Linux.Interop;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// What an errno means for each IPVS request, read from net/netfilter/ipvs/ip_vs_ctl.c: a service that
/// is missing is ESRCH, a destination that is missing ENOENT, an unknown scheduler or persistence engine
/// ENOENT on add/edit, a duplicate EEXIST, a missing field or bad value EINVAL.
/// </summary>
internal static class IpvsErrorMessages
{
    public static string Explain(int errno, string operation, string? kernelMessage, IpvsOperation? request)
    {
        var name = Errno.Name(errno);
        var specific = request is null ? null : ForEdit(errno, request);
        var text = specific is null
            ? $"{operation} failed: {LinuxErrorException.Describe(errno)} ({name})"
            : $"{specific} ({name})";
        if (errno == Errno.EPERM)
        {
            text += "; programming IPVS needs CAP_NET_ADMIN";
        }

        return kernelMessage is null ? text : $"{text}; kernel says: {kernelMessage}";
    }

    private static string? ForEdit(int errno, IpvsOperation request)
    {
        var service = request.Service;
        return (request.Kind, errno) switch
        {
            (IpvsOperationKind.AddService, Errno.EEXIST) => $"service {service} already exists",
            (IpvsOperationKind.AddService or IpvsOperationKind.UpdateService, Errno.ENOENT) => string.IsNullOrEmpty(service.PersistenceEngine)
                ? $"scheduler '{service.Scheduler}' is not loaded in this kernel"
                : $"scheduler '{service.Scheduler}' or persistence engine '{service.PersistenceEngine}' is not loaded in this kernel",
            (_, Errno.ESRCH) => $"service {service} does not exist",
            (IpvsOperationKind.AddDestination, Errno.EEXIST) => $"real server {request.Destination} already exists in service {service}",
            (IpvsOperationKind.UpdateDestination or IpvsOperationKind.DeleteDestination, Errno.ENOENT) =>
                $"real server {request.Destination} is not in service {service}",
            // ip_vs_new_dest wants an IPv4 real server to be a unicast or local address by the routing
            // table of the namespace (a namespace without any IPv4 address has no table at all).
            (IpvsOperationKind.AddDestination, Errno.EINVAL) =>
                $"{request}: the kernel refused it as invalid (is the address unicast and routable here, the lower threshold not above the upper?)",
            (_, Errno.EINVAL) => $"{request}: the kernel refused the values as invalid",
            (_, Errno.EAFNOSUPPORT) => $"{request}: this kernel has no IPv6 support in IPVS",
            (_, Errno.EOPNOTSUPP) => $"{request}: not supported by this kernel (mixed address families need tunnel forwarding)",
            _ => $"{request} failed: {LinuxErrorException.Describe(errno)}",
        };
    }
}
