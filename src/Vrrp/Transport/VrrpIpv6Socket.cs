using System.Net;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Packets;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Transport;

/// <summary>
/// VRRP over IPv6 on one interface (RFC 5798 §5.1.2): a raw IPv6 socket for protocol 112 joined to ff02::12 there,
/// hop limit 255 on every advert (multicast and unicast) and the receive hop limit reported. The IVrrpSocket contract
/// is the IPv4 one, whole datagrams: a send takes an IPv6 header (its source, the interface's link-local address, is
/// sent with IPV6_PKTINFO, so the pseudo-header checksum covers what goes on the wire), and a receive rebuilds the
/// header from the ancillary data so the validator checks hop limit, source and checksum as for IPv4.
/// </summary>
public sealed class VrrpIpv6Socket : IVrrpSocket
{
    private readonly RawIpv6Socket _socket;
    private readonly byte[] _source = new byte[16];
    private readonly byte[] _destination = new byte[16];

    public VrrpIpv6Socket(string interfaceName, int interfaceIndex)
    {
        InterfaceName = interfaceName;
        _socket = new RawIpv6Socket(VrrpCodec.IpProtocolNumber, interfaceName, interfaceIndex, VrrpCodec.RequiredTtl,
            VrrpCodec.MulticastGroupV6.GetAddressBytes());
    }

    public string InterfaceName { get; }

    /// <summary>Sends one datagram written with its IPv6 header (<see cref="VrrpDatagramWriter"/>).</summary>
    public void Send(ReadOnlySpan<byte> ipDatagram, IPAddress destination) =>
        _socket.Send(ipDatagram[Ipv6Header.Length..], ipDatagram.Slice(8, 16), ipDatagram.Slice(24, 16));

    /// <summary>Receives one advert as an IPv6 datagram: the rebuilt 40-byte header, then the VRRP message.</summary>
    public int? Receive(Span<byte> buffer, TimeSpan timeout)
    {
        if (_socket.Receive(buffer[Ipv6Header.Length..], _source, _destination, out var hopLimit, timeout) is not { } length
            || (length == 0 && _socket.ReceivingStopped))
        {
            return null;
        }

        // A datagram cut by a small buffer keeps its length: the validator reports it truncated.
        Ipv6Header.Write(buffer, _source, _destination, VrrpCodec.IpProtocolNumber, Math.Min(length, ushort.MaxValue), hopLimit);
        return Ipv6Header.Length + Math.Min(length, buffer.Length - Ipv6Header.Length);
    }

    public void StopReceiving() => _socket.StopReceiving();

    public int? TryReceive(Span<byte> buffer)
    {
        // Its own address buffers: the receive thread may be inside Receive with the fields meanwhile.
        Span<byte> source = stackalloc byte[16];
        Span<byte> destination = stackalloc byte[16];
        if (_socket.TryReceive(buffer[Ipv6Header.Length..], source, destination, out var hopLimit) is not { } length)
        {
            return null;
        }

        Ipv6Header.Write(buffer, source, destination, VrrpCodec.IpProtocolNumber, Math.Min(length, ushort.MaxValue), hopLimit);
        return Ipv6Header.Length + Math.Min(length, buffer.Length - Ipv6Header.Length);
    }

    /// <summary>Nothing to compile ahead on this path beyond what the first advert as backup already ran.</summary>
    public void WarmUp()
    {
    }

    public void Dispose() => _socket.Dispose();
}
