using HaDirector.Vrrp.Election;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>Records every action with the fake time at which the driver executed it.</summary>
internal sealed class RecordingSink(FakeTimeProvider time) : IVrrpActionSink
{
    private readonly DateTimeOffset _start = time.GetUtcNow();

    public List<(TimeSpan At, VrrpAction Action)> Executed { get; } = [];

    public Action<VrrpAction>? OnExecute { get; set; }

    public IEnumerable<VrrpAction> Actions => Executed.Select(e => e.Action);

    public void Execute(VrrpInstanceOptions instance, VrrpAction action)
    {
        Executed.Add((time.GetUtcNow() - _start, action));
        OnExecute?.Invoke(action);
    }

    /// <summary>Times (since the sink was made) at which the machine entered <paramref name="state"/>.</summary>
    public IEnumerable<TimeSpan> Entered(VrrpState state) =>
        Executed.Where(e => e.Action is VrrpAction.StateChanged c && c.To == state).Select(e => e.At);
}
