using HaDirector.Linux.Interop;

namespace HaDirector.Linux.Netlink.Genetlink;

/// <summary>The controller does not know the family: the module providing it is not loaded or not built.</summary>
public class GenericNetlinkFamilyNotFoundException : NetlinkErrorException
{
    public GenericNetlinkFamilyNotFoundException(string family, string message, Exception? inner)
        : base(Interop.Errno.ENOENT, "CTRL_CMD_GETFAMILY " + family, null, message, inner)
    {
        Family = family;
    }

    public string Family { get; }
}
