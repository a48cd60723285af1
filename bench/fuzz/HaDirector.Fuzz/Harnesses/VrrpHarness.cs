using System.Net;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Fuzz.Harnesses;

/// <summary>
/// A received VRRP datagram as VrrpChannel handles it: the datagram view and the per-interface validator (RFC 5798 §7.1;
/// v2 with a password, v3 multicast and unicast, IPv6), then, for an accepted advert of an HMAC instance, the trailer's
/// location and its verification. Configured like the captured adverts (tests/Vrrp.Tests/Fixtures), so the seeds pass
/// the early checks and the fuzzer reaches the later ones.
/// </summary>
internal sealed class VrrpHarness : IHarness
{
    // The capture time of the hmac-* fixtures: their trailers are fresh at this clock.
    private static readonly DateTimeOffset CaptureTime = DateTimeOffset.FromUnixTimeSeconds(1796602706);

    private static readonly VrrpAdvertValidator Ipv4 = new(
    [
        new VrrpReceiveRules(51, VrrpVersion.V2, TimeSpan.FromSeconds(1)) { VirtualAddresses = Addresses("198.18.201.10", "198.18.201.11") },
        new VrrpReceiveRules(52, VrrpVersion.V2, TimeSpan.FromSeconds(1)) { Authentication = VrrpAuthentication.Password("secret") },
        new VrrpReceiveRules(53, VrrpVersion.V3, TimeSpan.FromMilliseconds(100)),
        new VrrpReceiveRules(54, VrrpVersion.V3, TimeSpan.FromSeconds(1)) { UnicastPeers = Addresses("198.18.200.1") },
        new VrrpReceiveRules(61, VrrpVersion.V2, TimeSpan.FromSeconds(1)),
        new VrrpReceiveRules(62, VrrpVersion.V3, TimeSpan.FromMilliseconds(100)) { UnicastPeers = Addresses("198.18.210.1") },
        new VrrpReceiveRules(63, VrrpVersion.V3, TimeSpan.FromSeconds(1)) { ChecksumMode = VrrpChecksumMode.MessageOnly },
    ]);

    private static readonly VrrpAdvertValidator Ipv6 = new(
    [
        new VrrpReceiveRules(55, VrrpVersion.V3, TimeSpan.FromSeconds(1)) { VirtualAddresses = Addresses("fe80::55") },
        new VrrpReceiveRules(56, VrrpVersion.V3, TimeSpan.FromSeconds(1)),
    ]);

    private static readonly VrrpHmacKey V2Key = new(1, Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));

    private static readonly VrrpHmacKey V3Key = new(7, "0123456789abcdef0123456789abcdef"u8);

    public string Name => "vrrp";

    public IReadOnlyList<string> Assemblies => ["HaDirector.Vrrp.dll"];

    public void Run(ReadOnlySpan<byte> data)
    {
        VrrpCodec.TryParse(data, out _);
        VrrpCodec.TryParse(data, out _, VrrpChecksumMode.MessageOnly);
        var result = Ipv4.Validate(data);
        if (!result.IsAccepted)
        {
            result = Ipv6.Validate(data);
        }

        if (result.IsAccepted && result.Datagram is { } accepted && accepted.Packet.VirtualRouterId is 61 or 62)
        {
            // VrrpChannel.Authenticated: the message as long as its header says, then the 28-byte trailer if present.
            // A fresh authenticator per input: replay marks left by an earlier input would make the path depend on history.
            var hmac = accepted.Packet.VirtualRouterId == 61 ? Authenticator(V2Key, VrrpAntiReplay.Time) : Authenticator(V3Key, VrrpAntiReplay.Monotonic);
            if (VrrpHmacTrailer.TryLocate(data, VrrpCodec.GetMessageLength(accepted.Packet), out var message, out var trailer))
            {
                hmac.Verify(message, trailer, accepted.Source);
            }
        }
    }

    private static IPAddress[] Addresses(params string[] text) => [.. text.Select(IPAddress.Parse)];

    private static VrrpHmacAuthenticator Authenticator(VrrpHmacKey key, VrrpAntiReplay antiReplay) =>
        new(new VrrpHmacSettings([key], key.Id, VrrpHmacMode.Enforce, antiReplay, TimeSpan.FromSeconds(5)), new FixedClock(CaptureTime));
}
