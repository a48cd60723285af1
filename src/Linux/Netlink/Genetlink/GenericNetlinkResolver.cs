using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Genetlink;

/// <summary>Looks a family up by name. Family ids are assigned at module load, so they are never hard-coded.</summary>
public static class GenericNetlinkResolver
{
    /// <summary>
    /// Asks the controller for <paramref name="name"/>. Throws <see cref="GenericNetlinkFamilyNotFoundException"/>
    /// (message "the kernel has no {description} (genetlink family '{name}' not found)") when it does not exist.
    /// </summary>
    public static GenericNetlinkFamily Resolve(INetlinkConnection connection, string name, string description)
    {
        var writer = new NetlinkWriter();
        GenericNetlinkCodec.WriteGetFamily(writer, name);
        GenericNetlinkFamily? family = null;
        try
        {
            connection.Execute(writer.WrittenSpanMutable, message =>
            {
                if (message.Header.Type == GenericNetlinkConstants.ControllerId)
                {
                    family = GenericNetlinkCodec.ParseFamily(message);
                }
            }, "CTRL_CMD_GETFAMILY " + name);
        }
        catch (NetlinkErrorException ex) when (ex.Errno == Errno.ENOENT)
        {
            throw new GenericNetlinkFamilyNotFoundException(name, $"the kernel has no {description} (genetlink family '{name}' not found)", ex);
        }

        return family ?? throw new InvalidDataException($"CTRL_CMD_GETFAMILY {name}: the kernel acknowledged without a reply");
    }
}
