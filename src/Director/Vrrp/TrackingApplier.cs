using HaDirector.Director.Configuration;
using HaDirector.Director.Metrics;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// Feeds the trackers' verdicts to the elections: a new effective priority reconfigures the running machine in place
/// (a master advertises it at once, a backup uses it on the next advert it hears), a fault tracker failing or
/// recovering is an input. Remembers what each instance was last given, so only changes reach the election.
/// </summary>
internal sealed class TrackingApplier(IInstanceTracking tracking, TrackingMetrics? metrics)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TrackingVerdict> _applied = new(StringComparer.Ordinal);

    /// <summary>A new instance's options with its effective priority.</summary>
    public VrrpInstanceOptions Prepare(VrrpInstanceConfig config, VrrpInstanceOptions options)
    {
        lock (_gate)
        {
            var verdict = tracking.Evaluate(config);
            _applied[config.Name] = verdict;
            metrics?.EffectivePriority.WithLabels(config.Name).Set(verdict.Priority);
            return options with { Priority = verdict.Priority };
        }
    }

    /// <summary>Before <see cref="VrrpInstanceDriver.Start"/>: an instance whose fault tracker fails starts in Fault.</summary>
    public void Arm(string name, VrrpInstanceDriver driver)
    {
        lock (_gate)
        {
            if (_applied.TryGetValue(name, out var verdict) && verdict.Fault)
            {
                driver.Post(new VrrpInput.TrackingFault());
            }
        }
    }

    /// <summary>A reload's new options for a running instance, with the priority its (maybe new) trackers give.</summary>
    public void Reconfigure(VrrpInstanceConfig config, VrrpInstanceDriver driver, VrrpInstanceOptions options)
    {
        lock (_gate)
        {
            var verdict = tracking.Evaluate(config);
            driver.Reconfigure(options with { Priority = verdict.Priority });
            ApplyFault(config.Name, driver, verdict);
        }
    }

    /// <summary>A tracker changed: each instance whose verdict moved gets the difference.</summary>
    public void Retrack(IEnumerable<VrrpInstance> instances)
    {
        lock (_gate)
        {
            foreach (var instance in instances)
            {
                var config = instance.Runtime.Config;
                var verdict = tracking.Evaluate(config);
                try
                {
                    if (verdict.Priority != instance.Driver.Options.Priority)
                    {
                        instance.Driver.Reconfigure(instance.Driver.Options with { Priority = verdict.Priority });
                    }

                    ApplyFault(config.Name, instance.Driver, verdict);
                }
                catch (ObjectDisposedException)
                {
                    // Retired by a reload while this change was on its way: nothing left to tell.
                }
            }
        }
    }

    /// <summary>The verdict an instance runs on; null for an instance not (yet) running.</summary>
    public TrackingVerdict? Of(string name)
    {
        lock (_gate)
        {
            return _applied.GetValueOrDefault(name);
        }
    }

    public void Forget(string name)
    {
        lock (_gate)
        {
            _applied.Remove(name);
            metrics?.EffectivePriority.RemoveLabelled(name);
        }
    }

    private void ApplyFault(string name, VrrpInstanceDriver driver, TrackingVerdict verdict)
    {
        var wasFault = _applied.TryGetValue(name, out var before) && before.Fault;
        _applied[name] = verdict;
        metrics?.EffectivePriority.WithLabels(name).Set(verdict.Priority);
        if (verdict.Fault != wasFault)
        {
            driver.Post(verdict.Fault ? new VrrpInput.TrackingFault() : new VrrpInput.TrackingRecovered());
        }
    }
}
