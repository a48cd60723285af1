using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Genetlink;

/// <summary>CTRL_CMD_GETFAMILY request and reply; pure.</summary>
public static class GenericNetlinkCodec
{
    public static void WriteGetFamily(NetlinkWriter writer, string name)
    {
        if (name.Length is 0 or >= GenericNetlinkConstants.MaxNameLength)
        {
            throw new ArgumentException($"generic netlink family names have 1 to {GenericNetlinkConstants.MaxNameLength - 1} characters: '{name}'", nameof(name));
        }

        var start = writer.BeginMessage(GenericNetlinkConstants.ControllerId, NetlinkFlags.Request | NetlinkFlags.Ack);
        writer.WriteGenericHeader(GenericNetlinkConstants.CommandGetFamily, GenericNetlinkConstants.ControllerVersion);
        writer.WriteString(GenericNetlinkConstants.AttrFamilyName, name);
        writer.EndMessage(start);
    }

    public static GenericNetlinkFamily ParseFamily(NetlinkMessage message)
    {
        string? name = null;
        ushort? id = null;
        uint version = 0;
        uint maxAttribute = 0;
        foreach (var attribute in message.GenericAttributes)
        {
            switch (attribute.Type)
            {
                case GenericNetlinkConstants.AttrFamilyId:
                    id = attribute.GetU16();
                    break;
                case GenericNetlinkConstants.AttrFamilyName:
                    name = attribute.GetString();
                    break;
                case GenericNetlinkConstants.AttrVersion:
                    version = attribute.GetU32();
                    break;
                case GenericNetlinkConstants.AttrMaxAttr:
                    maxAttribute = attribute.GetU32();
                    break;
            }
        }

        if (name is null || id is null)
        {
            throw new InvalidDataException("CTRL_CMD_NEWFAMILY reply without CTRL_ATTR_FAMILY_ID or CTRL_ATTR_FAMILY_NAME");
        }

        return new GenericNetlinkFamily(name, id.Value, version, maxAttribute);
    }
}
