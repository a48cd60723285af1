using System.Net.NetworkInformation;

namespace HaDirector.Vrrp.Arp;

/// <summary>
/// An <see cref="IArpSender"/> that survives its device: a failed send closes the sender, opens a new one and sends
/// again once. A packet socket bound to a link keeps the error of the link going down ("Network is down") after the link is
/// back, and the takeover's gratuitous ARP after a link flap must not be lost to it.
/// </summary>
public sealed class ReopeningArpSender : IArpSender
{
    private readonly Func<IArpSender> _open;
    private readonly Action<Exception>? _onError;
    private readonly Lock _gate = new();
    private IArpSender _inner;
    private long _errors;
    private long _reopens;

    /// <param name="open">Opens the device (at once, and again after a failed send).</param>
    /// <param name="onError">Told of each failed attempt (counted and logged by the host); must not throw.</param>
    public ReopeningArpSender(Func<IArpSender> open, Action<Exception>? onError = null)
    {
        _open = open;
        _onError = onError;
        _inner = open();
        MacAddress = _inner.MacAddress;
    }

    public PhysicalAddress MacAddress { get; }

    /// <summary>Send attempts that failed (a recovered one counts too).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Times the device was opened anew.</summary>
    public long Reopens => Interlocked.Read(ref _reopens);

    /// <exception cref="Exception">The send failed on the reopened device too (or it could not be reopened).</exception>
    public void Send(ReadOnlySpan<byte> frame)
    {
        lock (_gate)
        {
            try
            {
                _inner.Send(frame);
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Failed(ex);
            }

            try
            {
                Reopen();
                _inner.Send(frame);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Failed(ex);
                throw;
            }
        }
    }

    public void WarmUp()
    {
        lock (_gate)
        {
            _inner.WarmUp();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _inner.Dispose();
        }
    }

    private void Reopen()
    {
        try
        {
            _inner.Dispose();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A broken handle may fail to close as well; the new one is what matters.
        }

        _inner = _open();
        Interlocked.Increment(ref _reopens);
    }

    private void Failed(Exception ex)
    {
        Interlocked.Increment(ref _errors);
        _onError?.Invoke(ex);
    }
}
