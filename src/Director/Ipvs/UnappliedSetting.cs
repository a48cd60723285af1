namespace HaDirector.Director.Ipvs;

/// <summary>A setting the configuration asks for that the daemon could not put in effect, with the reason.</summary>
/// <param name="Name">The sysctl's dotted name, e.g. <c>net.ipv4.vs.expire_nodest_conn</c>.</param>
/// <param name="Wanted">The value the configuration asks for.</param>
/// <param name="Error">Why it is not in effect (the kernel's or the parser's message).</param>
public sealed record UnappliedSetting(string Name, string Wanted, string Error);
