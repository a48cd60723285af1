namespace HaDirector.Director.Announce;

/// <summary>
/// What this director sees of one announced VIP now: the first virtual server short of real servers, and the first
/// tracker down (null: none). The detail names them for status.
/// </summary>
public readonly record struct VipConditions(string? ShortService, string? TrackerDown)
{
    public static VipConditions Good => default;

    public bool IsGood => ShortService is null && TrackerDown is null;
}
