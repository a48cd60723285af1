namespace HaDirector.Director.Configuration;

/// <summary>What a failed real server gets: removed from the table, or kept with weight 0 so its connections finish.</summary>
public enum FailureAction
{
    Remove,
    Inhibit,
}
