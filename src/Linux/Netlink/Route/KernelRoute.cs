using System.Net;

namespace HaDirector.Linux.Netlink.Route;

/// <summary>A route as rtnetlink reports it: destination prefix, table (full 32-bit number), protocol, output interface.</summary>
public sealed record KernelRoute(IPAddress Destination, int PrefixLength, uint Table, byte Protocol, int OutputInterface);
