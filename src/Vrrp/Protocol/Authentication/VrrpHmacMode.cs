namespace HaDirector.Vrrp.Protocol.Authentication;

/// <summary>
/// How an instance treats the HMAC trailer (draft-cassen-vrrp-auth-hmac; keepalived 2.4 <c>auth_hmac mode</c>).
/// Rolled out in three sweeps, each hitless: receive-only everywhere, then permissive, then enforce.
/// </summary>
public enum VrrpHmacMode
{
    /// <summary>Signs every advert and drops any advert without a valid trailer.</summary>
    Enforce,

    /// <summary>Signs every advert; verifies a trailer when there is one and accepts adverts without.</summary>
    Permissive,

    /// <summary>Sends no trailer; verifies a trailer when there is one and accepts adverts without.</summary>
    ReceiveOnly,
}
