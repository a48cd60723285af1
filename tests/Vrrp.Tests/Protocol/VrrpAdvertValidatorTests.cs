using System.Buffers.Binary;
using System.Net;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Tests.Protocol;

public sealed class VrrpAdvertValidatorTests
{
    private static readonly IPAddress Keepalived = IPAddress.Parse("198.18.200.1");

    private static readonly VrrpReceiveRules V2NoAuth = new(51, VrrpVersion.V2, TimeSpan.FromSeconds(1))
    {
        VirtualAddresses = [IPAddress.Parse("198.18.201.10"), IPAddress.Parse("198.18.201.11")],
    };

    private static readonly VrrpReceiveRules V2Pass = new(52, VrrpVersion.V2, TimeSpan.FromSeconds(1))
    {
        Authentication = VrrpAuthentication.Password("secret"),
        VirtualAddresses = [IPAddress.Parse("198.18.201.20")],
    };

    private static readonly VrrpReceiveRules V3Multicast = new(53, VrrpVersion.V3, TimeSpan.FromSeconds(1))
    {
        VirtualAddresses = [IPAddress.Parse("198.18.201.30"), IPAddress.Parse("198.18.201.31"), IPAddress.Parse("198.18.201.32")],
    };

    private static readonly VrrpReceiveRules V3Unicast = new(54, VrrpVersion.V3, TimeSpan.FromSeconds(1))
    {
        UnicastPeers = [IPAddress.Parse("198.18.200.9"), Keepalived],
    };

    [Theory]
    [InlineData("v2-noauth-vrid51-prio150")]
    [InlineData("v2-noauth-vrid51-prio0")]
    [InlineData("v2-pass-vrid52-prio100")]
    [InlineData("v2-pass-vrid52-prio0")]
    [InlineData("v3-multicast-vrid53-prio200")]
    [InlineData("v3-multicast-vrid53-prio0")]
    [InlineData("v3-unicast-vrid54-prio120")]
    [InlineData("v3-unicast-vrid54-prio0")]
    public void Validate_KeepalivedAdvertForMatchingInstance_Accepted(string fixture)
    {
        var result = Validator(V2NoAuth, V2Pass, V3Multicast, V3Unicast).Validate(Fixture.Load(fixture));

        Assert.Equal(VrrpDropReason.None, result.Reason);
        Assert.True(result.IsAccepted);
        Assert.Equal(VrrpCodecTests.Parse(fixture), result.Datagram);
        Assert.Equal(result.Datagram!.Packet.VirtualRouterId, result.VirtualRouterId);
    }

    [Fact]
    public void Validate_OtherVridListingOurVip_ReportsSourceVersionAndTheClaimedVip()
    {
        // A keepalived v2 peer on VRID 51 for 198.18.201.10, against our instance on VRID 52 for the same VIP.
        var ours = V2Pass with { VirtualAddresses = [IPAddress.Parse("198.18.201.10")] };

        var result = Validator(ours).Validate(Fixture.Load("v2-noauth-vrid51-prio150"));

        Assert.Equal((VrrpDropReason.UnknownVrid, 51, VrrpVersion.V2), (result.Reason, result.VirtualRouterId, result.Version));
        Assert.Equal(Keepalived, VrrpAddress.ToAddress(result.Source, result.Family));
        Assert.Equal(IPAddress.Parse("198.18.201.10"), VrrpAddress.ToAddress(result.ClaimedAddress, result.Family));
    }

    [Fact]
    public void Validate_ForeignRouterWithOtherVips_NothingClaimed()
    {
        var result = Validator(V2Pass).Validate(Fixture.Load("v2-noauth-vrid51-prio150"));

        Assert.Equal(VrrpDropReason.UnknownVrid, result.Reason);
        Assert.Equal(Keepalived, VrrpAddress.ToAddress(result.Source, result.Family));
        Assert.Equal(UInt128.Zero, result.ClaimedAddress);
    }

    [Fact]
    public void Validate_SameVridOtherVersion_ClaimsOurVip()
    {
        var result = Validator(V3Multicast with { VirtualRouterId = 51, VirtualAddresses = [IPAddress.Parse("198.18.201.11")] })
            .Validate(Fixture.Load("v2-noauth-vrid51-prio150"));

        Assert.Equal((VrrpDropReason.VersionMismatch, VrrpVersion.V2), (result.Reason, result.Version));
        Assert.Equal(IPAddress.Parse("198.18.201.11"), VrrpAddress.ToAddress(result.ClaimedAddress, result.Family));
    }

    [Fact]
    public void Validate_VridNotConfigured_UnknownVridWithTheVrid()
    {
        var result = Validator(V2Pass).Validate(Fixture.Load("v2-noauth-vrid51-prio150"));

        Assert.Equal(VrrpDropReason.UnknownVrid, result.Reason);
        Assert.Equal(51, result.VirtualRouterId);
        Assert.Null(result.Datagram);
    }

    [Fact]
    public void Validate_InstanceConfiguredForOtherVersion_VersionMismatch()
    {
        var result = Validator(V3Multicast with { VirtualRouterId = 51 }).Validate(Fixture.Load("v2-noauth-vrid51-prio150"));

        Assert.Equal(VrrpDropReason.VersionMismatch, result.Reason);
    }

    [Fact]
    public void Validate_CorruptedAddress_BadChecksum()
    {
        var bytes = Fixture.Load("v3-multicast-vrid53-prio200");
        bytes[^1] ^= 0x01;

        Assert.Equal(VrrpDropReason.BadChecksum, Validator(V3Multicast).Validate(bytes).Reason);
    }

    [Fact]
    public void Validate_InstanceExpectsMessageOnlyChecksum_KeepalivedV3IsBadChecksum()
    {
        var rules = V3Multicast with { ChecksumMode = VrrpChecksumMode.MessageOnly };

        Assert.Equal(VrrpDropReason.BadChecksum, Validator(rules).Validate(Fixture.Load("v3-multicast-vrid53-prio200")).Reason);
    }

    [Fact]
    public void Validate_TtlNot255_TtlNot255BeforeAnyInstanceCheck()
    {
        var bytes = Fixture.Load("v2-noauth-vrid51-prio150");
        bytes[8] = 64;

        var result = Validator(V2NoAuth).Validate(bytes);

        Assert.Equal(VrrpDropReason.TtlNot255, result.Reason);
        Assert.Equal(-1, result.VirtualRouterId);
    }

    [Fact]
    public void Validate_V2IntervalDiffers_IntervalMismatch()
    {
        var rules = V2NoAuth with { AdvertInterval = TimeSpan.FromSeconds(2) };

        Assert.Equal(VrrpDropReason.IntervalMismatch, Validator(rules).Validate(Fixture.Load("v2-noauth-vrid51-prio150")).Reason);
    }

    [Fact]
    public void Validate_V3IntervalDiffersFromConfigured_Accepted()
    {
        // RFC 5798 §6.4.2: a v3 backup adopts the master's interval instead of rejecting it.
        var result = Validator(V3Multicast).Validate(Fixture.Load("v3-multicast-vrid53-prio200"));

        Assert.True(result.IsAccepted);
        Assert.Equal(TimeSpan.FromMilliseconds(100), result.Datagram!.Packet.AdvertInterval);
    }

    [Fact]
    public void Validate_WrongPassword_AuthMismatch()
    {
        var rules = V2Pass with { Authentication = VrrpAuthentication.Password("secreT") };

        Assert.Equal(VrrpDropReason.AuthMismatch, Validator(rules).Validate(Fixture.Load("v2-pass-vrid52-prio100")).Reason);
    }

    [Fact]
    public void Validate_PasswordAdvertButNoAuthConfigured_AuthMismatch()
    {
        var rules = V2Pass with { Authentication = VrrpAuthentication.None };

        Assert.Equal(VrrpDropReason.AuthMismatch, Validator(rules).Validate(Fixture.Load("v2-pass-vrid52-prio100")).Reason);
    }

    [Fact]
    public void Validate_NoAuthAdvertButPasswordConfigured_AuthMismatch()
    {
        var rules = V2NoAuth with { Authentication = VrrpAuthentication.Password("secret") };

        Assert.Equal(VrrpDropReason.AuthMismatch, Validator(rules).Validate(Fixture.Load("v2-noauth-vrid51-prio150")).Reason);
    }

    [Fact]
    public void Validate_PasswordLongerThanEightCharacters_OnlyFirstEightCompared()
    {
        // keepalived cuts auth_pass to 8 characters; "secret" + padding is what it sent.
        var rules = V2Pass with { Authentication = VrrpAuthentication.Password("secret\0\0ignored") };

        Assert.True(Validator(rules).Validate(Fixture.Load("v2-pass-vrid52-prio100")).IsAccepted);
    }

    [Fact]
    public void Validate_FewerConfiguredAddresses_AddressCountMismatch()
    {
        var rules = V3Multicast with { VirtualAddresses = [IPAddress.Parse("198.18.201.30")] };

        Assert.Equal(VrrpDropReason.AddressCountMismatch, Validator(rules).Validate(Fixture.Load("v3-multicast-vrid53-prio200")).Reason);
    }

    [Fact]
    public void Validate_SameCountDifferentAddress_AddressListMismatch()
    {
        var rules = V2NoAuth with { VirtualAddresses = [IPAddress.Parse("198.18.201.10"), IPAddress.Parse("198.18.201.99")] };

        Assert.Equal(VrrpDropReason.AddressListMismatch, Validator(rules).Validate(Fixture.Load("v2-noauth-vrid51-prio150")).Reason);
    }

    [Fact]
    public void Validate_AddressesInOtherOrder_Accepted()
    {
        var rules = V2NoAuth with { VirtualAddresses = [IPAddress.Parse("198.18.201.11"), IPAddress.Parse("198.18.201.10")] };

        Assert.True(Validator(rules).Validate(Fixture.Load("v2-noauth-vrid51-prio150")).IsAccepted);
    }

    [Fact]
    public void Validate_SourceNotAUnicastPeer_NotFromUnicastPeer()
    {
        var rules = V3Unicast with { UnicastPeers = [IPAddress.Parse("198.18.200.9")] };

        Assert.Equal(VrrpDropReason.NotFromUnicastPeer, Validator(rules).Validate(Fixture.Load("v3-unicast-vrid54-prio120")).Reason);
    }

    [Fact]
    public void Validate_ZeroInterval_InvalidInterval()
    {
        var bytes = Fixture.Load("v3-unicast-vrid54-prio120");
        var message = bytes.AsSpan(Fixture.IpHeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(message[4..], 0);
        Recompute(bytes);

        Assert.Equal(VrrpDropReason.InvalidInterval, Validator(V3Unicast).Validate(bytes).Reason);
    }

    [Fact]
    public void Constructor_SameVridTwice_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Validator(V2NoAuth, V3Multicast with { VirtualRouterId = 51 }));

        Assert.Contains("VRID 51", error.Message);
    }

    [Fact]
    public void Validate_DroppedOrAcceptedDatagram_AllocatesOnlyTheAcceptedResult()
    {
        var validator = Validator(V2Pass);
        var unknown = Fixture.Load("v3-multicast-vrid53-prio200");
        var badPassword = Fixture.Load("v2-pass-vrid52-prio100");
        badPassword[^3] ^= 0x20;
        Recompute(badPassword);
        validator.Validate(unknown);
        validator.Validate(badPassword);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            validator.Validate(unknown);
            validator.Validate(badPassword);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(VrrpDropReason.AuthMismatch, validator.Validate(badPassword).Reason);
    }

    [Fact]
    public void Validate_RandomBytesWithEveryVridConfigured_NeverThrowsAndReachesTheDeepChecks()
    {
        var rules = Enumerable.Range(1, 255).Select(vrid => new VrrpReceiveRules(
            (byte)vrid, vrid % 2 == 0 ? VrrpVersion.V2 : VrrpVersion.V3, TimeSpan.FromSeconds(1))
        {
            Authentication = vrid % 4 == 0 ? VrrpAuthentication.Password("secret") : VrrpAuthentication.None,
            VirtualAddresses = vrid % 3 == 0 ? [IPAddress.Parse("198.18.201.20")] : [],
            UnicastPeers = vrid % 5 == 0 ? [Keepalived] : [],
        });
        var validator = new VrrpAdvertValidator(rules);
        var random = new Random(3768);
        var buffer = new byte[64];
        var reasons = new HashSet<VrrpDropReason>();
        for (int i = 0; i < 20_000; i++)
        {
            var span = buffer.AsSpan(0, random.Next(20, buffer.Length + 1));
            random.NextBytes(span);
            span[0] = 0x45;
            span[8] = 255;
            span[9] = 112;
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)span.Length);
            if (span.Length >= 44)
            {
                // A well-formed message with a valid checksum half the time, so that the
                // interval, address, auth and peer checks run on random content too.
                var message = span[20..];
                var version = (VrrpVersion)random.Next(2, 4);
                message[0] = (byte)(((int)version << 4) | 1);
                message[3] = (byte)random.Next(0, 3);
                int length = 8 + (message[3] * 4) + (version == VrrpVersion.V2 ? 8 : 0);
                if (i % 2 == 0)
                {
                    message[5] = 1;
                    message[6] = 0;
                    message[7] = 0;
                    var checksum = VrrpChecksum.Compute(
                        message[..length], version, BinaryPrimitives.ReadUInt32BigEndian(span[12..]), BinaryPrimitives.ReadUInt32BigEndian(span[16..]), VrrpChecksumMode.PseudoHeader);
                    BinaryPrimitives.WriteUInt16BigEndian(message[6..], checksum);
                }
            }

            var result = validator.Validate(span);

            Assert.Equal(result.IsAccepted, result.Datagram is not null);
            reasons.Add(result.Reason);
        }

        // The deep checks were reached, not only the header ones.
        Assert.Contains(VrrpDropReason.None, reasons);
        Assert.Contains(VrrpDropReason.AuthMismatch, reasons);
        Assert.Contains(VrrpDropReason.AddressCountMismatch, reasons);
        Assert.Contains(VrrpDropReason.NotFromUnicastPeer, reasons);
    }

    private static VrrpAdvertValidator Validator(params VrrpReceiveRules[] rules) => new(rules);

    /// <summary>Recomputes the (v2 or pseudo-header v3) checksum after a test edits the message.</summary>
    private static void Recompute(byte[] datagram)
    {
        var message = datagram.AsSpan(Fixture.IpHeaderLength);
        message[6] = 0;
        message[7] = 0;
        var checksum = VrrpChecksum.Compute(
            message,
            (VrrpVersion)(message[0] >> 4),
            BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(12)),
            BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(16)),
            VrrpChecksumMode.PseudoHeader);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], checksum);
    }
}
