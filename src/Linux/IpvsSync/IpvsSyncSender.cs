using System.Net;
using System.Net.Sockets;
using System.Text;
using HaDirector.Linux.Interop;

namespace HaDirector.Linux.IpvsSync;

/// <summary>
/// Sends sync datagrams to the backups' group on one interface as the kernel's master daemon does (by default
/// 224.0.0.81:8848, TTL 1), without looping them back to this host's own backup daemon.
/// </summary>
public static class IpvsSyncSender
{
    /// <summary>
    /// The group the kernel's daemons use when started without one, as SyncDaemonController starts them. An IPv4
    /// group for every family: protocol v1 carries IPv6 connections inside these datagrams.
    /// </summary>
    public static readonly IPEndPoint DefaultGroup = new(IPAddress.Parse("224.0.0.81"), 8848);

    private const int SoBindToDevice = 25;

    /// <exception cref="SocketException">The interface is gone, or the send failed.</exception>
    public static void Send(string interfaceName, IReadOnlyList<byte[]> datagrams, IPEndPoint? group = null)
    {
        if (datagrams.Count == 0)
        {
            return;
        }

        var index = LinuxSocket.InterfaceIndex(interfaceName)
            ?? throw new SocketException((int)SocketError.AddressNotAvailable, $"no interface {interfaceName}");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.SetRawSocketOption(LinuxConstants.SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(interfaceName + "\0"));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 1);
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, false);
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.HostToNetworkOrder(index));
        var to = group ?? DefaultGroup;
        foreach (var datagram in datagrams)
        {
            socket.SendTo(datagram, to);
        }
    }
}
