namespace HaDirector.Vrrp.Protocol.Authentication;

/// <summary>One instance's HMAC authentication (keepalived 2.4 <c>auth_hmac</c>).</summary>
/// <param name="TimeWindow">Time anti-replay: how far a timestamp may be from our clock, 1..300 s.</param>
public sealed record VrrpHmacSettings(
    IReadOnlyList<VrrpHmacKey> Keys,
    byte ActiveKeyId,
    VrrpHmacMode Mode,
    VrrpAntiReplay AntiReplay,
    TimeSpan TimeWindow)
{
    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxWindow = TimeSpan.FromSeconds(300);

    /// <summary>keepalived's default window: 3 advert intervals in whole seconds, at least 5 s, at most 300 s.</summary>
    public static TimeSpan DefaultWindow(TimeSpan advertInterval) =>
        TimeSpan.FromSeconds(Math.Clamp(3 * (long)advertInterval.TotalSeconds, 5, 300));

    public VrrpHmacKey? Find(byte id)
    {
        // Indexed: a foreach over the interface boxes an enumerator, on every advert signed or verified.
        for (var i = 0; i < Keys.Count; i++)
        {
            if (Keys[i].Id == id)
            {
                return Keys[i];
            }
        }

        return null;
    }

    public bool Equals(VrrpHmacSettings? other) =>
        other is not null && ActiveKeyId == other.ActiveKeyId && Mode == other.Mode && AntiReplay == other.AntiReplay
        && TimeWindow == other.TimeWindow && Keys.SequenceEqual(other.Keys);

    public override int GetHashCode() => HashCode.Combine(ActiveKeyId, Mode, AntiReplay, TimeWindow, Keys.Count);

    public override string ToString() =>
        $"hmac-sha256 {Mode} keys [{string.Join(", ", Keys.Select(k => k.Id))}] active {ActiveKeyId}, {AntiReplay} anti-replay";
}
