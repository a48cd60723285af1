using System.Buffers.Binary;
using System.Net;
using CsCheck;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Vrrp.Tests.Protocol;

/// <summary>
/// Round trips of the advert writer and reader over generated adverts (CsCheck: on a failure it shrinks to the smallest
/// advert that breaks, and prints its seed): v2 and v3, IPv4 and IPv6, no, password and HMAC authentication.
/// </summary>
public sealed class VrrpCodecPropertyTests
{
    private const long Iterations = 2000;

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1796602706);

    private static readonly Gen<IPAddress> Ipv4 = Gen.Byte.Array[4].Select(b => new IPAddress(b));

    private static readonly Gen<IPAddress> Ipv6 = Gen.Byte.Array[16].Select(b => new IPAddress(b));

    private static readonly Gen<VrrpAuthentication> Password =
        Gen.Char['!', '~'].Array[1, 8].Select(c => VrrpAuthentication.Password(new string(c)));

    /// <summary>An encodable advert with its source and destination: v3 in either family, v2 over IPv4 only.</summary>
    private static readonly Gen<(VrrpPacket Packet, IPAddress Source, IPAddress Destination)> Adverts =
        Gen.Bool.SelectMany(ipv6 => Gen.Bool.SelectMany(v2 =>
        {
            var version = v2 && !ipv6 ? VrrpVersion.V2 : VrrpVersion.V3;
            var address = ipv6 ? Ipv6 : Ipv4;
            var interval = version == VrrpVersion.V2
                ? Gen.Int[1, 255].Select(s => TimeSpan.FromSeconds(s))
                : Gen.Int[1, VrrpCodec.MaxV3IntervalCentiseconds].Select(cs => TimeSpan.FromMilliseconds(cs * 10L));
            var authentication = version == VrrpVersion.V2 ? Gen.OneOf(Gen.Const(VrrpAuthentication.None), Password) : Gen.Const(VrrpAuthentication.None);
            return Gen.Select(Gen.Byte, Gen.Byte, address.Array[0, 20], interval, authentication, address, address)
                .Select((vrid, priority, addresses, advertInterval, auth, source, destination) =>
                    (new VrrpPacket(version, vrid, priority, addresses, advertInterval) { Authentication = auth }, source, destination));
        }));

    [Fact]
    public void WriteThenTryParse_AnyAdvert_SamePacket()
    {
        Adverts.Sample(advert =>
        {
            var datagram = WithIpHeader(VrrpCodec.Write(advert.Packet, advert.Source, advert.Destination), advert.Source, advert.Destination);

            Assert.Equal(VrrpDropReason.None, VrrpCodec.TryParse(datagram, out var parsed));
            Assert.Equal(advert.Packet, parsed!.Packet with { Checksum = 0 });
            Assert.Equal(advert.Source, parsed.Source);
            Assert.Equal(advert.Destination, parsed.Destination);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void WriteThenValidate_RulesOfTheSender_Accepted()
    {
        // A configured instance has its addresses (an IPv6 one is known by them), each once.
        Adverts.Where(a => a.Packet.Addresses.Count > 0 && a.Packet.Addresses.Distinct().Count() == a.Packet.Addresses.Count).Sample(advert =>
        {
            var packet = advert.Packet;
            var rules = new VrrpReceiveRules(packet.VirtualRouterId, packet.Version, packet.AdvertInterval)
            {
                Authentication = packet.Authentication,
                VirtualAddresses = packet.Addresses,
                UnicastPeers = [advert.Source],
            };
            var datagram = WithIpHeader(VrrpCodec.Write(packet, advert.Source, advert.Destination), advert.Source, advert.Destination);

            var result = new VrrpAdvertValidator([rules]).Validate(datagram);

            Assert.Equal(VrrpDropReason.None, result.Reason);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void SignThenVerify_AnyAdvertAndKey_AcceptedOnceAndTheTrailerLocated()
    {
        var keys = Gen.Select(Gen.Byte[1, 255], Gen.Byte.Array[VrrpHmacKey.MinLength, VrrpHmacKey.MaxLength]).Select((id, key) => new VrrpHmacKey(id, key));
        Gen.Select(Adverts, keys, Gen.Int[0, 5000]).Sample((advert, key, millis) =>
        {
            var settings = new VrrpHmacSettings([key], key.Id, VrrpHmacMode.Enforce, VrrpAntiReplay.Time, TimeSpan.FromSeconds(5));
            var clock = new FixedClock(Now.AddMilliseconds(millis));
            var message = VrrpCodec.Write(advert.Packet, advert.Source, advert.Destination);
            var signed = new byte[message.Length + VrrpHmacTrailer.Length];
            message.CopyTo(signed, 0);
            Assert.Equal(VrrpHmacTrailer.Length, new VrrpHmacAuthenticator(settings, clock).Sign(message, signed.AsSpan(message.Length), advert.Source));
            var datagram = WithIpHeader(signed, advert.Source, advert.Destination);

            Assert.Equal(VrrpDropReason.None, VrrpCodec.TryParse(datagram, out var parsed));
            Assert.True(VrrpHmacTrailer.TryLocate(datagram, VrrpCodec.GetMessageLength(parsed!.Packet), out var located, out var trailer));
            Assert.Equal(message, located.ToArray());
            var receiver = new VrrpHmacAuthenticator(settings, clock);
            Assert.Equal(VrrpHmacFailure.None, receiver.Verify(located, trailer, parsed.Source));
            Assert.Equal(VrrpHmacFailure.Replayed, receiver.Verify(located, trailer, parsed.Source));
        }, iter: Iterations / 4, threads: 1);
    }

    /// <summary>The IPv4 header a raw socket delivers, or the IPv6 header VrrpIpv6Socket rebuilds, in front of a message.</summary>
    private static byte[] WithIpHeader(byte[] message, IPAddress source, IPAddress destination)
    {
        if (source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return VrrpCodecTests.WithIpHeader(message, source, destination);
        }

        var datagram = new byte[40 + message.Length];
        datagram[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)message.Length);
        datagram[6] = VrrpCodec.IpProtocolNumber;
        datagram[7] = VrrpCodec.RequiredTtl;
        source.TryWriteBytes(datagram.AsSpan(8), out _);
        destination.TryWriteBytes(datagram.AsSpan(24), out _);
        message.CopyTo(datagram, 40);
        return datagram;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
