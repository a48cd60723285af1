namespace HaDirector.Director.Ipvs;

/// <summary>What health does to a real server's destination.</summary>
public enum RealServerHealthAction
{
    /// <summary>Keep it with <see cref="RealServerHealth.Weight"/> (0: inhibited, connections drain).</summary>
    SetWeight,

    /// <summary>Take it out of the table.</summary>
    Remove,
}
