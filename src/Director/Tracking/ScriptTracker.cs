using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Tracking;

/// <summary>
/// keepalived's <c>vrrp_script</c>: the command runs every interval (the next run waits for this one), exit 0 is a
/// success, anything else (a timeout too) a failure; <c>rise</c> and <c>fall</c> results in a row flip the reading.
/// </summary>
public sealed class ScriptTracker(TrackerConfig config, ICommandRunner runner, TimeProvider time)
    : Tracker(config, time, TrackerReading.Healthy)
{
    private readonly RiseFall _policy = new(config.Rise, config.Fall);

    /// <summary>Runs so far (one per interval, however many instances track this script).</summary>
    public long Runs { get; private set; }

    protected override Task RunAsync(CancellationToken cancellationToken) => PollAsync(RunOnceAsync, cancellationToken);

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(Config.Command!, [], Config.Timeout, cancellationToken);
        Runs++;
        _policy.Record(result.Succeeded);
        Report(_policy.Up ? TrackerReading.Healthy : TrackerReading.Failing, result.ToString());
    }
}
