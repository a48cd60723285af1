using System.Net;

namespace HaDirector.Director.Configuration;

/// <summary>
/// An address the master adds to its interface, with the prefix length it is added with.
/// Not an <see cref="IPNetwork"/>: <c>10.0.0.1/24</c> means the host 10.0.0.1, whose host bits are set.
/// </summary>
public sealed record VirtualAddress(IPAddress Address, int PrefixLength)
{
    /// <summary>
    /// YAML <c>dev</c>: the interface the address goes on (keepalived's <c>dev</c>); null: the instance's own
    /// <see cref="VrrpInstanceConfig.Interface"/>. Adverts stay on the instance's interface either way.
    /// </summary>
    public string? Device { get; init; }

    /// <summary>YAML <c>label</c>: the IPv4 address's IFA_LABEL (<c>eth1:web</c>, what <c>ip addr</c> and ifconfig show); null: none.</summary>
    public string? Label { get; init; }

    public override string ToString() => $"{Address}/{PrefixLength}";
}
