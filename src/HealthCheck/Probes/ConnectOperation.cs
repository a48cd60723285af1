using HaDirector.Linux.Interop;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// One connect in flight on <see cref="ConnectEngine"/>. Whoever claims it first (the epoll event or the
/// timeout) owns the descriptor: reads the outcome, closes it and completes the awaiting code inline.
/// </summary>
internal sealed class ConnectOperation(ConnectEngine engine, LinuxFileDescriptor fd, long id) : ProbeOperation
{
    public long Id => id;

    /// <param name="failure">Null: the connect finished, its outcome is read from the socket; otherwise why it was abandoned.</param>
    public void Complete(string? failure)
    {
        if (!TryClaim())
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

        SetResult(result);
    }
}
