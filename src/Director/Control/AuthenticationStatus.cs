namespace HaDirector.Director.Control;

/// <summary>An instance's HMAC authentication in <see cref="InstanceStatus"/>: key ids only, never a key.</summary>
/// <param name="Mode">enforce, permissive or receiveOnly.</param>
/// <param name="ActiveKeyId">The key id our adverts are signed with.</param>
/// <param name="KeyIds">Every key id accepted on receipt.</param>
/// <param name="LastVerifiedPeer">The last sender whose advert verified; null before the first.</param>
/// <param name="LastVerifiedKeyId">The key id that advert carried (a rotation is done when every peer shows the new one).</param>
/// <param name="Failures">Adverts dropped, by reason (missing_trailer, malformed, unknown_key, bad_hmac, stale, replayed).</param>
/// <param name="AcceptedWithoutTrailer">Adverts without a trailer accepted by a migration mode: peers not yet signing.</param>
public sealed record AuthenticationStatus(
    string Mode,
    int ActiveKeyId,
    IReadOnlyList<int> KeyIds,
    string AntiReplay,
    string? LastVerifiedPeer,
    DateTimeOffset? LastVerifiedAt,
    int? LastVerifiedKeyId,
    IReadOnlyDictionary<string, long> Failures,
    long AcceptedWithoutTrailer);
