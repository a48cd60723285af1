using System.Net;

namespace HaDirector.Linux.Netlink.Route;

/// <summary>One address of an interface as RTM_NEWADDR reports it.</summary>
public sealed record InterfaceAddress(int InterfaceIndex, IPAddress Address, int PrefixLength, string? Label, byte Scope, uint Flags)
{
    public override string ToString() => $"{Address}/{PrefixLength} on ifindex {InterfaceIndex}";
}
