namespace HaDirector.Linux.Netlink.Genetlink;

/// <summary>A generic netlink family as the controller reports it: the message type to use is <see cref="Id"/>.</summary>
public sealed record GenericNetlinkFamily(string Name, ushort Id, uint Version, uint MaxAttribute);
