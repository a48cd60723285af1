using HaDirector.Director.Vrrp;
using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Director.Control;

public sealed partial class StatusBuilder
{
    private static readonly VrrpHmacFailure[] FailureReasons = [.. Enum.GetValues<VrrpHmacFailure>().Where(r => r != VrrpHmacFailure.None)];

    private static InstanceStatus WithAuthentication(InstanceStatus status, VrrpInstance instance)
    {
        if (instance.Runtime.Hmac is not { } hmac)
        {
            return status;
        }

        var settings = hmac.Settings;
        var last = hmac.LastVerified;
        return status with
        {
            Authentication = new AuthenticationStatus(
                settings.Mode switch { VrrpHmacMode.ReceiveOnly => "receiveOnly", VrrpHmacMode.Permissive => "permissive", _ => "enforce" },
                settings.ActiveKeyId,
                [.. settings.Keys.Select(k => (int)k.Id)],
                settings.AntiReplay == VrrpAntiReplay.Time ? "time" : "monotonic",
                last?.Source.ToString(),
                last?.At,
                last?.KeyId,
                FailureReasons.ToDictionary(r => r.Label(), hmac.Failures),
                hmac.AcceptedWithoutTrailer),
        };
    }
}
