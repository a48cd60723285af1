namespace HaDirector.Director.Control;

/// <summary>One check of a real server as status shows it.</summary>
/// <param name="Check">Its position in the server's list and its type (<c>1:tcp</c>).</param>
/// <param name="State">unknown (not decided yet), up or down, after this check's own rise/fall.</param>
public sealed record CheckHealthView(
    string Check,
    string State,
    string? LastResult,
    string? Reason,
    double? LatencyMs,
    DateTimeOffset? Since);
