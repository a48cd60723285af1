namespace HaDirector.Linux.Netlink.Genetlink;

/// <summary>The generic netlink controller (linux/genetlink.h).</summary>
public static class GenericNetlinkConstants
{
    /// <summary>GENL_ID_CTRL: the controller's fixed message type.</summary>
    public const ushort ControllerId = 0x10;

    /// <summary>The controller's version as libnl sends it; the kernel does not check it.</summary>
    public const byte ControllerVersion = 1;

    // enum: CTRL_CMD_*
    public const byte CommandGetFamily = 3;

    // enum: CTRL_ATTR_*
    public const ushort AttrFamilyId = 1;
    public const ushort AttrFamilyName = 2;
    public const ushort AttrVersion = 3;
    public const ushort AttrMaxAttr = 5;

    /// <summary>GENL_NAMSIZ, including the terminating NUL.</summary>
    public const int MaxNameLength = 16;
}
