using System.Threading.Tasks.Sources;
using HaDirector.Netlink.Interop;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// One connect in flight on <see cref="ConnectEngine"/>. Whoever claims it first (the epoll event or the
/// timeout) owns the descriptor: reads the outcome, closes it and completes the awaiting code inline.
/// </summary>
internal sealed class ConnectOperation(ConnectEngine engine, int fd, long id) : IValueTaskSource<ProbeResult>
{
    private ManualResetValueTaskSourceCore<ProbeResult> core;
    private int claimed;

    public long Id => id;

    public CancellationTokenRegistration Registration { get; set; }

    public ValueTask<ProbeResult> Task => new(this, core.Version);

    /// <param name="failure">Null: the connect finished, its outcome is read from the socket; otherwise why it was abandoned.</param>
    public void Complete(string? failure)
    {
        if (Interlocked.Exchange(ref claimed, 1) != 0)
        {
            return;
        }

        engine.Forget(id);
        ProbeResult result;
        if (failure is null)
        {
            result = ConnectEngine.Finish(fd);
        }
        else
        {
            // Abandoned (timeout, stop): a connect that completed while its event waited for this loop is
            // reset too, not closed into TIME_WAIT on one side or the other.
            ConnectEngine.Abort(fd);
            result = ProbeResult.Failure(failure);
        }

        // Not Dispose: that would wait for a timeout callback running on another thread, which lost the claim anyway.
        Registration.Unregister();
        core.SetResult(result);
    }

    public ProbeResult GetResult(short token) => core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        core.OnCompleted(continuation, state, token, flags);
}
