using System.Net;
using System.Net.NetworkInformation;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// ARP frames from another host (<see cref="Mac"/>) claiming our VIP <see cref="Vip"/> of <see cref="Instance"/> while it
/// was master: an address conflict.
/// </summary>
public sealed record ArpConflict(string Instance, IPAddress Vip, PhysicalAddress Mac, long Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen)
{
    /// <summary>As <c>ip neigh</c> and <c>arping</c> show it: aa:bb:cc:dd:ee:ff.</summary>
    public static string Format(PhysicalAddress mac) => string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
