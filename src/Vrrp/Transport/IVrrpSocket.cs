using System.Net;

namespace HaDirector.Vrrp.Transport;

/// <summary>The VRRP socket of one interface (an edge: <see cref="VrrpSocket"/> on Linux).</summary>
public interface IVrrpSocket : IDisposable
{
    string InterfaceName { get; }

    /// <summary>Sends one complete IPv4 datagram (header included).</summary>
    void Send(ReadOnlySpan<byte> ipDatagram, IPAddress destination);

    /// <summary>
    /// Receives one datagram, IPv4 header included, blocking the calling thread; null when nothing arrived within
    /// <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: none), and at once after
    /// <see cref="StopReceiving"/>. Disposing the socket ends a blocked receive with <see cref="ObjectDisposedException"/>
    /// or a <see cref="System.Net.Sockets.SocketException"/>.
    /// </summary>
    int? Receive(Span<byte> buffer, TimeSpan timeout);

    /// <summary>
    /// Ends a <see cref="Receive"/> blocked on another thread and makes every later one return null (once what is queued
    /// has been read): how the receive thread is stopped while it blocks with no timeout. Sending still works.
    /// </summary>
    void StopReceiving();

    /// <summary>
    /// Like <see cref="Receive"/> without blocking: a datagram the kernel already queued, or null at once. For a thread
    /// other than the receiving one (a backup's timer, catching up before Master_Down fires).
    /// </summary>
    int? TryReceive(Span<byte> buffer);

    /// <summary>Prepares the send path without putting anything on the wire.</summary>
    void WarmUp();
}
