namespace HaDirector.Vrrp.Protocol.Authentication;

/// <summary>How a verified advert's sequence number is judged fresh (keepalived <c>anti_replay</c>).</summary>
public enum VrrpAntiReplay
{
    /// <summary>The timestamp must lie within the freshness window of our clock, and grow per sender (needs synced clocks).</summary>
    Time,

    /// <summary>The sequence must only grow per sender; no clock agreement needed.</summary>
    Monotonic,
}
