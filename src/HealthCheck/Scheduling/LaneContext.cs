using Microsoft.Extensions.Logging;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>What every lane of one <see cref="HealthCheckScheduler"/> shares: its clock and epoch, its observer, its timer resolution.</summary>
/// <param name="Epoch">The scheduler's timestamp that due times count from.</param>
/// <param name="Limit">Attempts in flight at once in a lane whose attempts each hold a socket (started probes, connects).</param>
internal sealed record LaneContext(TimeProvider Time, IHealthObserver Observer, ILogger Logger, TimeSpan Resolution, long Epoch, int Limit);
