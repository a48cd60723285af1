using System.Diagnostics;
using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using HaDirector.Linux.IpvsSync;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// Hands the connections in flight to the new master as this director lets a VIP go. The kernel's sync daemon
/// announces a TCP connection only from ESTABLISHED on, and sends its buffer when it is full or 2 s old
/// (IPVS_SYNC_FLUSH_TIME, not settable): a connection whose handshake went through this director just before the
/// move is not on the new master yet, whose takeover grace then drops its segments until the flush (the client's
/// retransmissions turn that into a 3.4 s stall), and one still in SYN_RECV is never announced and is reset. So on
/// leaving master the director reads its own table and sends, in the kernel's sync protocol and to the same
/// group, the entries it scheduled itself (origin LOCAL) for the services it let go of: every half-open one, and
/// those with traffic within the kernel's flush period. Entries the kernel did announce are sent again: the
/// backup updates what it has. docs/architecture.md, "Handing over the connections in flight".
/// </summary>
public sealed partial class ConnectionHandover(IHostKernel kernel, SyncDaemonConfig sync, DesiredTable table, ILogger logger)
{
    /// <summary>The kernel flushes a buffer once it is 2 s old, looking every second: anything younger may still wait there.</summary>
    public const uint RecentSeconds = 3;

    /// <summary>A bound on one handover (a SYN flood fills a table with half-open entries): about 2.4 MB of datagrams.</summary>
    public const int MaxConnections = 65536;

    /// <summary>Reads, selects and sends; returns how many connections were sent. Never throws: a failure is logged.</summary>
    public int Send(string instance, IReadOnlySet<ServiceKey> services)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            var candidates = kernel.ReadIpvsConnections(IsHandedOver, c => services.Contains(KeyOf(c)) && Forwarding(c) is not null);
            var read = Stopwatch.GetElapsedTime(started);
            var chosen = Select(candidates);
            if (chosen.Count == 0)
            {
                return 0;
            }

            kernel.SendIpvsSync(sync.Interface, IpvsSyncMessage.Encode((byte)sync.SyncId, chosen, Flags));
            var halfOpen = chosen.Count(c => c.Protocol == IpvsProtocol.Tcp && c.State == (ushort)IpvsTcpState.SynReceived);
            var total = Stopwatch.GetElapsedTime(started);
            LogHandedOver(logger, instance, chosen.Count, halfOpen, read.TotalMilliseconds, total.TotalMilliseconds);
            return chosen.Count;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(logger, instance, ex.Message);
            return 0;
        }
    }

    /// <summary>
    /// Every half-open TCP entry, and the TCP established and UDP entries whose timer was restarted within
    /// <see cref="RecentSeconds"/> of the most recent one of their kind (the timer restarts at each packet, with
    /// the state's timeout, which this director need not know); half-open first, then the most recent.
    /// </summary>
    public static List<IpvsConnection> Select(IReadOnlyList<IpvsConnection> candidates)
    {
        uint newestEstablished = 0, newestUdp = 0;
        foreach (var c in candidates)
        {
            if (c.Protocol == IpvsProtocol.Udp)
            {
                newestUdp = Math.Max(newestUdp, c.ExpiresSeconds);
            }
            else if (c.State == (ushort)IpvsTcpState.Established)
            {
                newestEstablished = Math.Max(newestEstablished, c.ExpiresSeconds);
            }
        }

        return [.. candidates
            .Where(c => c.Protocol == IpvsProtocol.Udp ? c.ExpiresSeconds + RecentSeconds >= newestUdp
                : c.State == (ushort)IpvsTcpState.SynReceived || c.ExpiresSeconds + RecentSeconds >= newestEstablished)
            .OrderByDescending(c => c.Protocol == IpvsProtocol.Tcp && c.State == (ushort)IpvsTcpState.SynReceived)
            .ThenByDescending(c => c.ExpiresSeconds)
            .Take(MaxConnections)];
    }

    /// <summary>Scheduled here (origin LOCAL), and UDP or a TCP connection half-open or established.</summary>
    private static bool IsHandedOver(IpvsProtocol protocol, ushort state, bool local) =>
        local && (protocol == IpvsProtocol.Udp || state is (ushort)IpvsTcpState.SynReceived or (ushort)IpvsTcpState.Established);

    private static ServiceKey KeyOf(IpvsConnection c) =>
        new(c.Virtual.AddressFamily, c.Protocol, c.Virtual.Address, (ushort)c.Virtual.Port, 0);

    private IpvsForwardingMethod? Forwarding(IpvsConnection c) =>
        table.TryGetDestination(new RealServerId(KeyOf(c), new DestinationKey(c.Destination.Address, (ushort)c.Destination.Port)), out var destination)
            ? destination.Forwarding
            : null;

    /// <summary>
    /// The destination's forwarding method (a backup that has the destination takes it from there anyway; one that
    /// has not yet must not send a DR connection by NAT), and "inactive" for a connection not established yet, as
    /// the kernel counts it.
    /// </summary>
    private uint Flags(IpvsConnection c)
    {
        var flags = (uint)(Forwarding(c) ?? IpvsForwardingMethod.DirectRoute);
        if (c.Protocol == IpvsProtocol.Tcp && c.State != (ushort)IpvsTcpState.Established)
        {
            flags |= IpvsKernel.ConnectionFlag.Inactive;
        }

        return flags;
    }

    [LoggerMessage(EventId = 2121, Level = LogLevel.Information,
        Message = "{Instance}: handed {Count} connections in flight over to the new master ({HalfOpen} half-open; table read in {ReadMs:F1} ms, sent after {TotalMs:F1} ms)")]
    private static partial void LogHandedOver(ILogger logger, string instance, int count, int halfOpen, double readMs, double totalMs);

    [LoggerMessage(EventId = 2122, Level = LogLevel.Warning,
        Message = "{Instance}: could not hand the connections in flight over ({Message}); the kernel's sync daemon announces the established ones within 2 s")]
    private static partial void LogFailed(ILogger logger, string instance, string message);
}
