using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Tracking;

/// <summary>One tracker as status shows it.</summary>
public sealed record TrackerStatus(string Name, TrackerType Type, TrackerReading Reading, string? Detail, DateTimeOffset Since);
