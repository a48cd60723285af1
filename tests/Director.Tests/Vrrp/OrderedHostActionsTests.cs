using HaDirector.Director.Vrrp;

namespace HaDirector.Director.Tests.Vrrp;

public class OrderedHostActionsTests
{
    private readonly List<string> _log = [];
    private readonly List<Exception> _errors = [];

    private OrderedHostActions NewQueue() => new(ex => { lock (_errors) { _errors.Add(ex); } });

    private Action Note(string what) => () => { lock (_log) { _log.Add(what + "@" + Environment.CurrentManagedThreadId); } };

    private List<string> Names() { lock (_log) { return _log.Select(l => l[..l.IndexOf('@')]).ToList(); } }

    [Fact]
    public void WithNothingWaiting_ActionsRunInlineOnTheCallersThread()
    {
        var queue = NewQueue();
        queue.Post(Note("advert"));
        queue.Post(Task.CompletedTask, Note("vips"));

        Assert.Equal([$"advert@{Environment.CurrentManagedThreadId}", $"vips@{Environment.CurrentManagedThreadId}"], _log);
        Assert.False(queue.IsWaiting);
    }

    [Fact]
    public async Task ActionsAfterAPendingPrerequisite_WaitForIt_InOrder_WithoutBlockingThePoster()
    {
        var queue = NewQueue();
        var services = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        queue.Post(Note("state")); // inline
        queue.Post(services.Task, Note("add vips"));
        queue.Post(Task.CompletedTask, Note("advert"));
        queue.Post(Note("garp"));

        // The poster (the election's thread) got control back; nothing after the prerequisite ran.
        Assert.Equal(["state"], Names());
        Assert.True(queue.IsWaiting);

        services.SetResult();
        await queue.Drained;
        Assert.Equal(["state", "add vips", "advert", "garp"], Names());
        Assert.False(queue.IsWaiting);
    }

    [Fact]
    public async Task AQueuedActionNoLongerWanted_IsSkipped_AndTheQueueGoesOn()
    {
        var queue = NewQueue();
        var services = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var master = true;

        queue.Post(services.Task, Note("add vips"), stillWanted: () => master);
        queue.Post(Note("remove vips"));
        master = false; // outvoted while the services were programmed
        services.SetResult();
        await queue.Drained;

        Assert.Equal(["remove vips"], Names());
        Assert.Empty(_errors);
    }

    [Fact]
    public async Task APeriodicAdvertQueuedTwice_GoesOutOnce_ButPriorityZeroIsNeverCoalesced()
    {
        var queue = NewQueue();
        var services = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var own = new object();

        queue.Post(services.Task, Note("add vips"));
        queue.Post(Task.CompletedTask, Note("advert"), own);
        queue.Post(Task.CompletedTask, Note("advert"), own);
        queue.Post(Task.CompletedTask, Note("advert"), own);
        queue.Post(Task.CompletedTask, Note("priority 0"), coalesceKey: null);
        queue.Post(Task.CompletedTask, Note("priority 0"), coalesceKey: null);

        services.SetResult();
        await queue.Drained;
        Assert.Equal(["add vips", "advert", "priority 0", "priority 0"], Names());

        // Once sent, the next periodic advert is not swallowed.
        queue.Post(Task.CompletedTask, Note("advert"), own);
        Assert.Equal(["add vips", "advert", "priority 0", "priority 0", "advert"], Names());
    }

    [Fact]
    public async Task AFailedPrerequisiteOrAction_IsReported_AndTheQueueGoesOn()
    {
        var queue = NewQueue();
        var services = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        queue.Post(services.Task, Note("add vips"));
        queue.Post(() => throw new InvalidOperationException("netlink said no"));
        queue.Post(Note("garp"));
        services.SetException(new TimeoutException("pass timed out"));
        await queue.Drained;

        Assert.Equal(["add vips", "garp"], Names());
        Assert.Equal(["pass timed out", "netlink said no"], _errors.Select(e => e.Message));
    }

    [Fact]
    public void AnInlineActionsFailure_IsThrownToThePoster()
    {
        var queue = NewQueue();
        Assert.Throws<InvalidOperationException>(() => queue.Post(() => throw new InvalidOperationException("now")));
        Assert.Empty(_errors);
        queue.Post(Note("next"));
        Assert.Equal(["next"], Names());
    }
}
