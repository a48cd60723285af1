using HaDirector.Director.Kernel;
using HaDirector.Director.Metrics;

namespace HaDirector.Director.Vrrp;

/// <summary>What the VRRP service takes beyond the election itself: trackers, the runner of notify hooks, their metrics.</summary>
public sealed record VrrpHooks(IInstanceTracking Tracking, ICommandRunner Commands, TrackingMetrics? Metrics = null);
