using System.Net.Sockets;
using System.Runtime.CompilerServices;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Route;

/// <summary>
/// Watches the addresses removed from one interface through the RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR
/// multicast groups (RTM_DELADDR), whoever removed them. Open it in the namespace to watch. One reader at a time.
/// </summary>
public sealed class AddressMonitor : IDisposable
{
    private readonly Socket _events;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private AddressMonitor(int interfaceIndex, Socket events)
    {
        InterfaceIndex = interfaceIndex;
        _events = events;
    }

    public int InterfaceIndex { get; }

    public static AddressMonitor Open(int interfaceIndex) =>
        new(interfaceIndex, LinkMonitor.OpenEvents(RouteConstants.GroupMaskIpv4Address | RouteConstants.GroupMaskIpv6Address));

    /// <summary>
    /// Yields each address removed from the interface; null when notifications were lost (ENOBUFS) and any
    /// address may have gone: the reader checks what it cares about.
    /// </summary>
    public async IAsyncEnumerable<InterfaceAddress?> ReadRemovalsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            int received;
            try
            {
                received = await _events.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken);
            }
            catch (SocketException ex) when (LinuxError.ErrnoOf(ex) == Errno.ENOBUFS)
            {
                received = -1;
            }

            if (received < 0)
            {
                yield return null;
                continue;
            }

            foreach (var removed in Decode(_buffer.AsSpan(0, received), InterfaceIndex))
            {
                yield return removed;
            }
        }
    }

    public void Dispose() => _events.Dispose();

    /// <summary>The addresses of <paramref name="interfaceIndex"/> removed in one datagram of address notifications.</summary>
    internal static List<InterfaceAddress> Decode(ReadOnlySpan<byte> datagram, int interfaceIndex)
    {
        var removed = new List<InterfaceAddress>();
        foreach (var message in new NetlinkMessageReader(datagram))
        {
            if (message.Header.Type != RouteConstants.DelAddr)
            {
                continue;
            }

            var address = RouteCodec.ParseAddress(message);
            if (address.InterfaceIndex == interfaceIndex)
            {
                removed.Add(address);
            }
        }

        return removed;
    }
}
