using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Ipvs;

public class IpvsDaemonCodecTests
{
    /// <summary>
    /// Found by bench/fuzz (netlink, AFL++): a sync daemon's multicast group shorter than its address made
    /// <c>Value[..4]</c> throw ArgumentOutOfRangeException out of the IPVS_CMD_GET_DAEMON dump's reader.
    /// </summary>
    [Theory]
    [InlineData("0800 0100 01000000 0600 0500 e000 0000")]           // IPVS_DAEMON_ATTR_MCAST_GROUP of 2 bytes
    [InlineData("0800 0100 01000000 0800 0600 ff020000")]            // IPVS_DAEMON_ATTR_MCAST_GROUP6 of 4 bytes
    public void Read_MulticastGroupShorterThanItsAddress_InvalidData(string attributes)
    {
        var bytes = Hex.Parse(attributes);

        Assert.Throws<InvalidDataException>(() => IpvsDaemonCodec.Read(new NetlinkAttributeReader(bytes)));
    }
}
