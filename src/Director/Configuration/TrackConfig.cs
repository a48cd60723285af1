namespace HaDirector.Director.Configuration;

/// <summary>
/// One entry of an instance's <c>track:</c> list. <see cref="Weight"/> null (or 0 in the file, as keepalived): a
/// failure puts the instance in Fault; otherwise -253..253, added while failing (negative) or while up (positive).
/// </summary>
public sealed record TrackConfig(string Tracker, int? Weight);
