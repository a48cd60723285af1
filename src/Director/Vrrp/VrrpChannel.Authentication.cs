using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Vrrp;

/// <summary>HMAC verification of adverts that passed RFC 5798 §7.1, before they reach the election.</summary>
public sealed partial class VrrpChannel
{
    /// <summary>
    /// One-instance validators for the instances that opted in with <c>acceptRoutedUnicast</c> (only allowed with HMAC in
    /// enforce mode and unicast peers), built with the routing rather than per low-TTL advert: on a routed network every
    /// advert arrives below TTL 255.
    /// </summary>
    private static Dictionary<int, VrrpAdvertValidator> RoutedValidators(IEnumerable<VrrpInstance> instances) =>
        instances.Where(i => i.Config is { AcceptRoutedUnicast: true, Hmac.Mode: VrrpHmacMode.Enforce, UnicastPeers.Count: > 0 })
            .ToDictionary(i => i.Config.VirtualRouterId,
                i => new VrrpAdvertValidator([i.Driver.Options.CreateReceiveRules([.. i.Config.UnicastPeers], i.Config.V3Checksum)]));

    /// <summary>
    /// An advert dropped for its TTL, validated again as if it were 255 when its instance opted in (see
    /// <see cref="RoutedValidators"/>), so it still passes the peer check and must then carry a valid trailer; null otherwise.
    /// </summary>
    private static VrrpReceiveResult? RoutedUnicast(Dictionary<int, VrrpAdvertValidator> routed, ReadOnlySpan<byte> datagram)
    {
        // IPv4: the TTL at byte 8 after a variable header; IPv6 (the 40-byte header the socket rebuilds): the hop limit
        // at byte 7.
        var ipv6 = datagram.Length > 0 && datagram[0] >> 4 == 6;
        var header = ipv6 ? 40 : (datagram[0] & 0x0F) * 4;
        if (datagram.Length < header + 2 || !routed.TryGetValue(datagram[header + 1], out var validator))
        {
            return null;
        }

        var copy = datagram.ToArray();
        copy[ipv6 ? 7 : 8] = VrrpCodec.RequiredTtl;
        var result = validator.Validate(copy);
        return result.IsAccepted ? result : null;
    }

    /// <summary>
    /// Verifies an accepted advert against its instance's keys; a failure is counted by reason (metrics, status) and
    /// logged rate-limited, and the advert never reaches the election.
    /// </summary>
    private bool Authenticated(VrrpInstance instance, VrrpHmacAuthenticator hmac, ReadOnlySpan<byte> datagram, VrrpDatagram accepted)
    {
        var messageLength = VrrpCodec.GetMessageLength(accepted.Packet);
        if (!VrrpHmacTrailer.TryLocate(datagram, messageLength, out var message, out var trailer))
        {
            return false;
        }

        var failure = hmac.Verify(message, trailer, accepted.Source);
        if (failure == VrrpHmacFailure.None)
        {
            return true;
        }

        AuthenticationFailed(instance, accepted, failure, trailer.Length >= 2 ? trailer[1] : 0);
        return false;
    }

    /// <summary>Counts and logs a failure. Apart from <see cref="Authenticated"/>: its closure would be made for every advert.</summary>
    private void AuthenticationFailed(VrrpInstance instance, VrrpDatagram accepted, VrrpHmacFailure failure, int keyId)
    {
        var name = instance.Config.Name;
        _metrics.AuthFailures.WithLabels(name, failure.Label()).Inc();
        if (instance.Runtime.AuthLog.Record(failure) is { } suppressed)
        {
            var source = accepted.Source;
            var vrid = accepted.Packet.VirtualRouterId;
            Action log = () => LogAuthFailed(_logger, name, source, vrid, failure.Label(), keyId, suppressed);
            if (_offPath is null)
            {
                log();
            }
            else
            {
                _offPath.Post(log);
            }
        }
    }

    [LoggerMessage(EventId = 1370, Level = LogLevel.Warning,
        Message = "{Instance}: dropped a VRRP advert from {Source} (VRID {Vrid}) that failed HMAC authentication: {Reason} (key id {KeyId}); {Suppressed} more not logged since the last line of this reason (one a minute)")]
    private static partial void LogAuthFailed(ILogger logger, string instance, System.Net.IPAddress source, int vrid, string reason, int keyId,
        long suppressed);
}
