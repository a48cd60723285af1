namespace HaDirector.Director.Control;

/// <summary>One tracker an instance follows: its state now (<c>up</c>, <c>failing</c>, <c>value N</c>), its weight (null: failing is a fault).</summary>
public sealed record TrackStatus(string Tracker, string Type, string State, int? Weight, string? Detail, DateTimeOffset Since);
