namespace HaDirector.Director.Announce;

/// <summary>The names status, JSON and metrics give <see cref="AnnounceReason"/> (one place, so they never drift).</summary>
public static class AnnounceNames
{
    public static string Of(AnnounceReason reason) => reason switch
    {
        AnnounceReason.Announcing => "announcing",
        AnnounceReason.Stopping => "stopping",
        AnnounceReason.Maintenance => "maintenance",
        AnnounceReason.TrackerDown => "tracker_down",
        AnnounceReason.NoHealthyRealServer => "no_healthy_real_server",
        AnnounceReason.HoldDown => "hold_down",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static IReadOnlyList<AnnounceReason> All { get; } = Enum.GetValues<AnnounceReason>();
}
