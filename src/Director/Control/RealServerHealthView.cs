namespace HaDirector.Director.Control;

/// <summary>A real server's health as its checker sees it.</summary>
/// <param name="State">unknown (not checked yet: configured weight), up or down (after rise/fall).</param>
/// <param name="LastResult">The last probe: up or down, with <paramref name="Reason"/>.</param>
public sealed record RealServerHealthView(
    string State,
    string? LastResult,
    string? Reason,
    double? LatencyMs,
    DateTimeOffset? Since,
    long Flaps,
    int Weight);
