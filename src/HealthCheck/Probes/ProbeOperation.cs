using System.Threading.Tasks.Sources;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// A probe in flight on one of the checks' own loops (<see cref="ConnectEngine"/>, <see cref="HalfOpenEngine"/>),
/// awaited without a Task. Whoever claims it first (its event, its timeout, an error) completes it, inline.
/// </summary>
internal abstract class ProbeOperation : IValueTaskSource<ProbeResult>
{
    private ManualResetValueTaskSourceCore<ProbeResult> _core;
    private int _claimed;

    public CancellationTokenRegistration Registration { get; set; }

    public ValueTask<ProbeResult> Task => new(this, _core.Version);

    public bool Claimed => Volatile.Read(ref _claimed) != 0;

    public ProbeResult GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    /// <summary>
    /// The continuation runs inline on the loop that completes the probe, never posted to the awaiter's
    /// SynchronizationContext: that is the engines' design (one epoll_wait, then the reports). Posted to xunit v3's
    /// parallel context instead, an IPv6 connect's continuation never ran and its test hung.
    /// </summary>
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags & ~ValueTaskSourceOnCompletedFlags.UseSchedulingContext);

    /// <summary>True once, for the first caller: it now owns the operation's resources.</summary>
    protected bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

    protected void SetResult(ProbeResult result)
    {
        // Not Dispose: that would wait for a timeout callback running on another thread, which lost the claim anyway.
        Registration.Unregister();
        _core.SetResult(result);
    }
}
