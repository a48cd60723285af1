using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// One pass's plan with what the reconciler reports about it: the edits to send, the table they leave in the
/// kernel (<see cref="Target"/>), the foreign services left alone, and the edits held back for services whose
/// role is not known yet.
/// </summary>
public sealed record PassPlan(IpvsPlan Plan, DesiredTable Target, IReadOnlyList<IpvsService> UnownedServices, int Pending, int Starting, int Adopted);
