using System.Net.Sockets;
using System.Runtime.CompilerServices;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Route;

/// <summary>
/// Watches one interface through the RTNLGRP_LINK multicast group. The first event is the state at the
/// time the watch starts (subscribed before asking, so no change can slip between); after that an event
/// comes only when up/running/existence changes. Open it in the namespace to watch, use it from anywhere.
/// One reader at a time.
/// </summary>
public sealed class LinkMonitor : IDisposable
{
    private readonly Socket _events;
    private readonly RouteClient _query;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private LinkMonitor(string interfaceName, Socket events, RouteClient query)
    {
        InterfaceName = interfaceName;
        _events = events;
        _query = query;
    }

    public string InterfaceName { get; }

    public static LinkMonitor Open(string interfaceName)
    {
        var events = OpenEvents(RouteConstants.GroupMaskLink);
        try
        {
            return new LinkMonitor(interfaceName, events, RouteClient.Open());
        }
        catch
        {
            events.Dispose();
            throw;
        }
    }

    /// <summary>Yields the current state, then each change, until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<LinkEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var last = new LinkEvent(InterfaceName, _query.GetLink(InterfaceName));
        yield return last;
        while (true)
        {
            int received;
            LinkEvent? resynced = null;
            try
            {
                received = await _events.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken);
            }
            catch (SocketException ex) when (LinuxError.ErrnoOf(ex) == Errno.ENOBUFS)
            {
                // Notifications were dropped: the only safe view is a fresh query.
                received = 0;
                resynced = new LinkEvent(InterfaceName, _query.GetLink(InterfaceName));
            }

            foreach (var update in resynced is null ? Decode(_buffer.AsSpan(0, received), InterfaceName) : [resynced])
            {
                if (Differs(last, update))
                {
                    last = update;
                    yield return update;
                }
            }
        }
    }

    public void Dispose()
    {
        _events.Dispose();
        _query.Dispose();
    }

    /// <summary>An rtnetlink socket subscribed to the legacy multicast <paramref name="groups"/> mask, with a large receive buffer.</summary>
    internal static Socket OpenEvents(uint groups)
    {
        var events = LinuxSocket.Open(LinuxConstants.AfNetlink, LinuxConstants.SockRaw, LinuxConstants.NetlinkRoute);
        try
        {
            LinuxSocket.TrySetOption(events, LinuxConstants.SolSocket, LinuxConstants.SoRcvBufForce, 1024 * 1024);
            LinuxSocket.BindNetlink(events, groups);
            return events;
        }
        catch
        {
            events.Dispose();
            throw;
        }
    }

    /// <summary>The events for <paramref name="interfaceName"/> in one datagram of link notifications.</summary>
    internal static List<LinkEvent> Decode(ReadOnlySpan<byte> datagram, string interfaceName)
    {
        var updates = new List<LinkEvent>();
        foreach (var message in new NetlinkMessageReader(datagram))
        {
            if (message.Header.Type is not (RouteConstants.NewLink or RouteConstants.DelLink))
            {
                continue;
            }

            var link = RouteCodec.ParseLink(message);
            if (link.Name == interfaceName)
            {
                updates.Add(new LinkEvent(interfaceName, message.Header.Type == RouteConstants.DelLink ? null : link));
            }
        }

        return updates;
    }

    private static bool Differs(LinkEvent a, LinkEvent b) =>
        a.Exists != b.Exists
        || a.Link?.IsUp != b.Link?.IsUp
        || a.Link?.IsRunning != b.Link?.IsRunning
        || a.Link?.Index != b.Link?.Index;
}
