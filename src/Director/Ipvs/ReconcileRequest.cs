namespace HaDirector.Director.Ipvs;

/// <summary>One message to the reconciler's loop; the loop completes <see cref="Done"/> or <see cref="Dumped"/> when it is handled.</summary>
internal sealed class ReconcileRequest
{
    private ReconcileRequest(ReconcileRequestKind kind) => Kind = kind;

    public ReconcileRequestKind Kind { get; }

    /// <summary>A <see cref="ReconcileRequestKind.Pass"/> that also starts the periodic pass.</summary>
    public bool StartsTimer { get; private init; }

    /// <summary>A <see cref="ReconcileRequestKind.Changed"/> for one service's health.</summary>
    public ServiceKey? Service { get; private init; }

    /// <summary>A <see cref="ReconcileRequestKind.Changed"/> for every service a drain matches.</summary>
    public DrainTarget? Drain { get; private init; }

    public TaskCompletionSource? Done { get; private init; }

    public TaskCompletionSource<KernelTable>? Dumped { get; private init; }

    public static ReconcileRequest Pass(bool awaited, bool startsTimer = false) => new(ReconcileRequestKind.Pass)
    {
        StartsTimer = startsTimer,
        Done = awaited ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null,
    };

    public static ReconcileRequest Changed(ServiceKey service) => new(ReconcileRequestKind.Changed) { Service = service };

    public static ReconcileRequest Changed(DrainTarget drain) => new(ReconcileRequestKind.Changed) { Drain = drain };

    public static ReconcileRequest Dump() => new(ReconcileRequestKind.Dump) { Dumped = new(TaskCreationOptions.RunContinuationsAsynchronously) };

    public static ReconcileRequest Idle() => new(ReconcileRequestKind.Idle) { Done = new(TaskCreationOptions.RunContinuationsAsynchronously) };

    public static ReconcileRequest Stop() => new(ReconcileRequestKind.Stop) { Done = new(TaskCreationOptions.RunContinuationsAsynchronously) };

    /// <summary>The loop has stopped: nothing is done any more.</summary>
    public void Refuse()
    {
        if (Kind is ReconcileRequestKind.Idle or ReconcileRequestKind.Stop)
        {
            Done?.TrySetResult();
            return;
        }

        var error = new ObjectDisposedException(nameof(IpvsReconciler));
        Done?.TrySetException(error);
        Dumped?.TrySetException(error);
    }
}
