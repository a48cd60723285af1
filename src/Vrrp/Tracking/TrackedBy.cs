namespace HaDirector.Vrrp.Tracking;

/// <summary>
/// One entry of an instance's <c>track:</c> list with the tracker's reading. <see cref="Weight"/> null: a failure
/// puts the instance in Fault; negative: added to the priority while failing; positive: added while up. For a file
/// tracker the weight multiplies the value the file holds (keepalived's <c>track_file</c>).
/// </summary>
public readonly record struct TrackedBy(string Tracker, int? Weight, TrackerReading Reading);
