namespace HaDirector.Director.Control;

/// <summary>A setting the configuration asks for that is not in effect: the sysctl, the value wanted and why.</summary>
public sealed record UnappliedSettingStatus(string Name, string Wanted, string Error);
