using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// Ties <c>vrrp.syncGroups</c> to the running instances: each member's transitions go through its <see cref="SyncGroup"/>,
/// whose inputs for the other members are posted in order from one queue (never from inside an election's lock), and
/// each member's master gate asks the group. Re-attached after start and every reload.
/// </summary>
internal sealed class SyncGroupLinks
{
    private readonly Lock _gate = new();
    private readonly List<(VrrpInstance Instance, Action<VrrpInstanceRuntime, VrrpAction.StateChanged> Handler)> _attached = [];
    private readonly Dictionary<string, SyncGroup> _groupOf = new(StringComparer.Ordinal);
    private Task _tail = Task.CompletedTask;

    /// <summary>The sync group an instance is in; null for none.</summary>
    public string? GroupOf(string instance)
    {
        lock (_gate)
        {
            return _groupOf.GetValueOrDefault(instance)?.Name;
        }
    }

    public void Attach(IReadOnlyList<SyncGroupConfig> groups, IReadOnlyList<VrrpInstance> instances)
    {
        lock (_gate)
        {
            foreach (var (instance, handler) in _attached)
            {
                instance.Runtime.Transitioned -= handler;
                instance.Driver.MasterGate = null;
            }

            _attached.Clear();
            _groupOf.Clear();
            var byName = instances.ToDictionary(i => i.Config.Name, StringComparer.Ordinal);
            foreach (var config in groups)
            {
                var group = new SyncGroup(config.Name, [.. config.Instances.Where(byName.ContainsKey)]);
                foreach (var member in group.Members)
                {
                    var instance = byName[member];
                    _groupOf[member] = group;
                    if (instance.Runtime is { State: VrrpState.Fault, LastCause: { } cause } && cause != VrrpTransitionCause.SyncGroup)
                    {
                        // Faulted on its own before this reload: the others wait for its recovery as before.
                        group.OnTransition(member, new VrrpAction.StateChanged(VrrpState.Backup, VrrpState.Fault, cause));
                    }

                    instance.Driver.MasterGate = () => group.MayBecomeMaster(member, m => View(byName, m));
                    void Handler(VrrpInstanceRuntime runtime, VrrpAction.StateChanged change) => OnTransition(group, member, change, byName);
                    instance.Runtime.Transitioned += Handler;
                    _attached.Add((instance, Handler));
                }
            }
        }
    }

    private static (VrrpState, bool) View(Dictionary<string, VrrpInstance> instances, string member) =>
        instances.TryGetValue(member, out var instance) ? (instance.Runtime.State, instance.Driver.WantsMaster) : (VrrpState.Initialize, false);

    private void OnTransition(SyncGroup group, string member, VrrpAction.StateChanged change, Dictionary<string, VrrpInstance> instances)
    {
        lock (_gate)
        {
            foreach (var (other, input) in group.OnTransition(member, change))
            {
                var driver = instances[other].Driver;
                _tail = _tail.ContinueWith(
                    _ =>
                    {
                        try
                        {
                            driver.Post(input);
                        }
                        catch (ObjectDisposedException)
                        {
                            // Retired by a reload meanwhile.
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.RunContinuationsAsynchronously,
                    TaskScheduler.Default);
            }
        }
    }
}
