namespace HaDirector.Linux.Tests.Support;

/// <summary>One line of an ipvsadm capture: direction, family, what, the whole netlink message.</summary>
public sealed record FixtureMessage(string Direction, string Family, string What, byte[] Bytes)
{
    public ushort Type => BitConverter.ToUInt16(Bytes, 4);

    public byte Command => Bytes[16];
}
