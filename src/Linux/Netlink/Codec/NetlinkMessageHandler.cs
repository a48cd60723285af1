namespace HaDirector.Linux.Netlink.Codec;

/// <summary>Receives each reply message of a request or dump; the spans are only valid during the call.</summary>
public delegate void NetlinkMessageHandler(NetlinkMessage message);
