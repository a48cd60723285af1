namespace HaDirector.Vrrp.Protocol.Authentication;

/// <summary>
/// Why an advert failed HMAC authentication. Each is counted apart: a missing trailer or a stale one points at a peer's
/// configuration or clock, a bad HMAC or a replay at an attacker.
/// </summary>
public enum VrrpHmacFailure
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>Enforce mode, and the advert carries no trailer.</summary>
    MissingTrailer,

    /// <summary>The trailer names another scheme or its reserved field is not zero.</summary>
    Malformed,

    /// <summary>The trailer's key id is not configured here.</summary>
    UnknownKey,

    /// <summary>The HMAC does not verify (wrong key, or altered advert, source, VRID or version).</summary>
    BadHmac,

    /// <summary>Time anti-replay: the timestamp is outside the freshness window.</summary>
    Stale,

    /// <summary>The sequence number does not grow past the last one verified from this sender.</summary>
    Replayed,
}

/// <summary>Metric label values of <see cref="VrrpHmacFailure"/>.</summary>
public static class VrrpHmacFailureNames
{
    public static string Label(this VrrpHmacFailure failure) => failure switch
    {
        VrrpHmacFailure.MissingTrailer => "missing_trailer",
        VrrpHmacFailure.Malformed => "malformed",
        VrrpHmacFailure.UnknownKey => "unknown_key",
        VrrpHmacFailure.BadHmac => "bad_hmac",
        VrrpHmacFailure.Stale => "stale",
        VrrpHmacFailure.Replayed => "replayed",
        _ => "none",
    };
}
