namespace HaDirector.Director.Control;

/// <summary>A real server's health as its checker sees it.</summary>
/// <param name="State">unknown (not checked yet: configured weight), up or down (after rise/fall).</param>
/// <param name="LastResult">The last probe: up or down, with <paramref name="Reason"/>.</param>
/// <param name="Checks">
/// Each check (one for the service's check): the server is up when all are, down as soon as one is; with several, the
/// fields above are the server's, its reason a failing check's (or the latest) named by the check.
/// </param>
public sealed record RealServerHealthView(
    string State,
    string? LastResult,
    string? Reason,
    double? LatencyMs,
    DateTimeOffset? Since,
    long Flaps,
    int Weight,
    IReadOnlyList<CheckHealthView> Checks);
