using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// A plain HTTP target's round on <see cref="ConnectEngine"/>'s thread: the connect, then the probe's request, its
/// answer read as the engine's events bring it, and the probe's verdict. Made once; its reader and buffer are reused
/// from round to round (the buffer goes back to the pool between rounds, so idle targets hold none).
/// </summary>
internal sealed class HttpRound(HealthTarget target, ConnectRounds lane, HttpProbe probe) : ConnectRound(target, lane, probe.Options.Endpoint)
{
    private readonly HttpResponseReader _reader = new(new ResponseBuffer(probe.Options.MaxResponseBytes), probe.NeedsWholeBody);

    public override ReadOnlySpan<byte> Request => probe.Request.Span;

    public override Span<byte> Room() => _reader.Room().Span;

    public override ProbeResult? Received(int read) =>
        _reader.Received(read) is { } response ? Judge(response) : null;

    public override void Complete(in ProbeResult result)
    {
        _reader.Reset();
        base.Complete(result);
    }

    /// <summary>The lane stopped with this attempt in flight: nothing is reported, the buffer goes back.</summary>
    public void Abandoned() => _reader.Reset();

    private ProbeResult Judge(in HttpGetResult response)
    {
        try
        {
            return probe.Judge(response, _reader.Buffer);
        }
        catch (Exception e)
        {
            // A body check that throws is a down result, never a dead engine thread.
            return ProbeFailure.From(e, CancellationToken.None);
        }
    }
}
