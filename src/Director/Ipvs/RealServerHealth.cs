namespace HaDirector.Director.Ipvs;

/// <summary>
/// Health's verdict for one real server, as the desired table uses it: removed, inhibited (weight 0) or
/// a dynamic weight. A real server without a verdict keeps its configured weight.
/// </summary>
public readonly record struct RealServerHealth(RealServerHealthAction Action, uint Weight)
{
    public static RealServerHealth Removed => new(RealServerHealthAction.Remove, 0);

    public static RealServerHealth Inhibited => new(RealServerHealthAction.SetWeight, 0);

    public static RealServerHealth WithWeight(uint weight) => new(RealServerHealthAction.SetWeight, weight);
}
