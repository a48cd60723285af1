using System.Net;

namespace HaDirector.Director.Configuration;

/// <summary>
/// An address the master adds to its interface, with the prefix length it is added with.
/// Not an <see cref="IPNetwork"/>: <c>10.0.0.1/24</c> means the host 10.0.0.1, whose host bits are set.
/// </summary>
public sealed record VirtualAddress(IPAddress Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}
