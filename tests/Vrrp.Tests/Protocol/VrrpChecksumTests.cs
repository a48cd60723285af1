using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Tests.Protocol;

public sealed class VrrpChecksumTests
{
    [Fact]
    public void Compute_Rfc1071Example_IsComplementOfFoldedSum()
    {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 after folding.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];

        Assert.Equal(0x220d, VrrpChecksum.Compute(data, VrrpVersion.V2, 0, 0, VrrpChecksumMode.PseudoHeader));
    }

    [Fact]
    public void Compute_OddLength_PadsWithZeroOctet()
    {
        byte[] odd = [0x12, 0x34, 0x56];
        byte[] padded = [0x12, 0x34, 0x56, 0x00];

        Assert.Equal(
            VrrpChecksum.Compute(padded, VrrpVersion.V2, 0, 0, VrrpChecksumMode.MessageOnly),
            VrrpChecksum.Compute(odd, VrrpVersion.V2, 0, 0, VrrpChecksumMode.MessageOnly));
    }

    [Fact]
    public void Compute_KeepalivedV3Message_VerifiesToZeroOnlyWithPseudoHeader()
    {
        var message = Fixture.Message("v3-unicast-vrid54-prio120");
        uint source = Ipv4.ToUInt32(System.Net.IPAddress.Parse("198.18.200.1"));
        uint destination = Ipv4.ToUInt32(System.Net.IPAddress.Parse("198.18.200.2"));

        Assert.Equal(0, VrrpChecksum.Compute(message, VrrpVersion.V3, source, destination, VrrpChecksumMode.PseudoHeader));
        Assert.NotEqual(0, VrrpChecksum.Compute(message, VrrpVersion.V3, source, destination, VrrpChecksumMode.MessageOnly));
    }
}
