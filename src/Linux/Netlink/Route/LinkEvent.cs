namespace HaDirector.Linux.Netlink.Route;

/// <summary>
/// A change of an interface's state, or its initial state when a watch starts.
/// <see cref="Link"/> is null when the interface does not exist (never did, or was removed).
/// </summary>
public sealed record LinkEvent(string InterfaceName, LinkInfo? Link)
{
    public bool Exists => Link is not null;

    /// <summary>Usable for VRRP: administratively up and running (carrier present).</summary>
    public bool IsOperational => Link is { IsUp: true, IsRunning: true };

    public override string ToString() => Link is null
        ? $"{InterfaceName}: absent"
        : $"{InterfaceName}: {(Link.IsUp ? "up" : "down")}, {(Link.IsRunning ? "running" : "not running")}";
}
