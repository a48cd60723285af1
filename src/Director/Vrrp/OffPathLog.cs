using System.Threading.Channels;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// Runs log calls in order on one background task. A log call through Microsoft.Extensions.Logging and
/// Serilog costs milliseconds (measured 4-5 ms per event here), which is takeover time when it sits between
/// adding the VIP and sending the advert and GARP.
/// </summary>
public sealed class OffPathLog : IDisposable
{
    private readonly Channel<Action> _queue = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _reader;

    public OffPathLog()
    {
        _reader = Task.Run(async () =>
        {
            await foreach (var log in _queue.Reader.ReadAllAsync())
            {
                log();
            }
        });
    }

    public void Post(Action log) => _queue.Writer.TryWrite(log);

    /// <summary>Writes what is queued, then stops.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _reader.Wait(TimeSpan.FromSeconds(2));
    }
}
