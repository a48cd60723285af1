using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Director.Vrrp;

/// <summary>The instance's HMAC state: kept across reloads so a key rotation costs no advert and no replay mark.</summary>
public sealed partial class VrrpInstanceRuntime
{
    private VrrpHmacAuthenticator? _hmac;

    /// <summary>Null without <c>authentication.type: hmac</c>.</summary>
    public VrrpHmacAuthenticator? Hmac => Volatile.Read(ref _hmac);

    /// <summary>One log line a minute per failure reason.</summary>
    internal AuthFailureLog AuthLog { get; } = new(TimeProvider.System);

    private void ConfigureHmac(VrrpInstanceConfig config)
    {
        if (config.Hmac is not { } settings)
        {
            Volatile.Write(ref _hmac, null);
            return;
        }

        if (_hmac is { } running)
        {
            running.Update(settings);
        }
        else
        {
            Volatile.Write(ref _hmac, new VrrpHmacAuthenticator(settings, _time, config.UnicastPeers.Count));
            foreach (var reason in Enum.GetValues<VrrpHmacFailure>().Where(r => r != VrrpHmacFailure.None))
            {
                _metrics.AuthFailures.WithLabels(config.Name, reason.Label());
            }
        }

        _metrics.AuthActiveKey.WithLabels(config.Name).Set(settings.ActiveKeyId);
    }
}
