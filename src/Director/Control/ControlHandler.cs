using System.Globalization;
using System.Text;
using HaDirector.Director.Announce;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Vrrp;
using HaDirector.Vrrp.Election;

namespace HaDirector.Director.Control;

/// <summary>Carries out the control socket's verbs (DESIGN.md §4) against the running daemon.</summary>
public sealed class ControlHandler(RunningConfig running, VrrpService vrrp, IpvsTableService ipvs, StatusBuilder status, ConfigReloader reloader, TimeProvider time,
    AnnounceService? announce = null) : IControlHandler
{
    public async Task<ControlResponse> HandleAsync(ControlRequest request, CancellationToken cancellationToken) => request.Verb switch
    {
        "status" => new ControlResponse(ExitCodes.Ok, "") { Status = await status.BuildAsync(cancellationToken) },
        "failover" => request.Vip is not null ? OneVip(request, failover: true)
            : Announcing(request) ? await WithVrrpAsync(AnnounceFailover(), () => FailoverAsync(null, request.Force, cancellationToken))
            : await FailoverAsync(request.Instance, request.Force, cancellationToken),
        "resume" => request.Vip is not null ? OneVip(request, failover: false)
            : Announcing(request) ? await WithVrrpAsync(AnnounceResume(), () => Task.FromResult(Resume(null))) : Resume(request.Instance),
        "drain" => Drain(request, drain: true),
        "undrain" => Drain(request, drain: false),
        "reload" => await reloader.ReloadAsync("control socket"),
        _ => new ControlResponse(ExitCodes.Failure, $"unknown verb '{request.Verb}' (expected status, failover, resume, drain, undrain or reload)"),
    };

    /// <summary>
    /// Sends priority 0 from each selected master and waits (up to three advert intervals and a second)
    /// until the new master's advert has taken the addresses off this node, so the answer tells the truth.
    /// When none is heard, the node is master again (adverts and all) and the answer is a failure: a script must not
    /// take down the node that still serves. <paramref name="force"/> releases the VIPs anyway (nobody serves them).
    /// </summary>
    private async Task<ControlResponse> FailoverAsync(string? name, bool force, CancellationToken cancellationToken)
    {
        if (Select(name, out var selected) is { } error)
        {
            return error;
        }

        // Every member's state before anything moves: handing one member over hands its sync group over (SyncGroup), so
        // a member looked at after the first post would already be backup and be reported, and resumed, as not master.
        var instances = WithSyncGroups(selected).Select(i => (Instance: i, Stats: i.Driver.GetStatistics())).ToList();
        var text = new StringBuilder();
        var handed = new List<VrrpInstance>();
        foreach (var (instance, stats) in instances)
        {
            if (stats.State == VrrpState.Master)
            {
                instance.Driver.Post(new VrrpInput.Failover());
                handed.Add(instance);
                continue;
            }

            var master = stats.MasterAddress is { } address ? $"the master is {address}" : "no master heard yet";
            text.AppendLine(stats.IsHeld
                ? $"{instance.Config.Name}: already handed over and held as backup ({master}); `hadirector resume` lets it compete again"
                : $"{instance.Config.Name}: this node is {Lower(stats.State)}, not master ({master}); run failover on the master. "
                    + "Here it would send priority 0 and hold backup until `hadirector resume`");
        }

        var unanswered = 0;
        foreach (var instance in handed)
        {
            var limit = instance.Config.AdvertInterval * 3 + TimeSpan.FromSeconds(1);
            var deadline = time.GetTimestamp() + (long)(limit.TotalSeconds * time.TimestampFrequency);
            while (instance.Driver.GetStatistics().HoldsAddresses && time.GetTimestamp() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellationToken);
            }

            if (!instance.Driver.GetStatistics().HoldsAddresses)
            {
                text.AppendLine($"{instance.Config.Name}: handed over to {instance.Driver.GetStatistics().MasterAddress}; held as backup until `hadirector resume`");
                continue;
            }

            // Does nothing if the new master's advert arrived just now: then the statistics below say handed over.
            instance.Driver.Post(new VrrpInput.FailoverUnanswered(force));
            var stats = instance.Driver.GetStatistics();
            var seconds = limit.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
            if (stats.State == VrrpState.Master)
            {
                unanswered++;
                text.AppendLine($"{instance.Config.Name}: FAILED: priority 0 sent, but no new master was heard within {seconds} s: "
                    + "this node is master again and keeps serving the VIPs (is the peer running and on the same VRID? `--force` hands over to nobody)");
            }
            else if (force && !stats.HoldsAddresses && stats.MasterAddress is null)
            {
                text.AppendLine($"{instance.Config.Name}: no new master was heard within {seconds} s; --force: released the VIPs anyway, "
                    + "NOBODY serves them now (held as backup until `hadirector resume`)");
            }
            else
            {
                text.AppendLine($"{instance.Config.Name}: handed over to {stats.MasterAddress}; held as backup until `hadirector resume`");
            }
        }

        var code = handed.Count == 0 ? ExitCodes.NotApplicable : unanswered > 0 ? ExitCodes.Failure : ExitCodes.Ok;
        return new ControlResponse(code, text.ToString().TrimEnd());
    }

    /// <summary>Without <c>--instance</c>, failover and resume take the announced VIPs too (and the instances, if any).</summary>
    private bool Announcing(ControlRequest request) => announce is { InUse: true } && request.Instance is null && request.Vip is null;

    /// <summary>
    /// Withdraws every announced VIP and holds them withdrawn: the router moves the flows to the other directors while
    /// this one forwards whatever still arrives (IPVS is untouched), so no request fails.
    /// </summary>
    private ControlResponse AnnounceFailover() => Withdrawn(announce!.Failover(), "`hadirector resume`");

    private ControlResponse AnnounceResume() => Resumed(announce!.Resume());

    /// <summary>
    /// <c>failover --vip ADDR</c> / <c>resume --vip ADDR</c>: one announced VIP only; VRRP instances are left alone
    /// (<c>--instance</c> names those).
    /// </summary>
    private ControlResponse OneVip(ControlRequest request, bool failover)
    {
        if (request.Instance is not null)
        {
            return new ControlResponse(ExitCodes.UsageError, $"{request.Verb}: --vip names an announced VIP, --instance a VRRP instance; give one of them");
        }

        if (announce is not { InUse: true })
        {
            return new ControlResponse(ExitCodes.UsageError, $"{request.Verb} --vip: this configuration announces no VIPs (announce:); VRRP instances are named with --instance");
        }

        if (!System.Net.IPAddress.TryParse(request.Vip, out var vip) || !announce.IsAnnounced(vip))
        {
            var known = string.Join(", ", announce.Config!.Vips.Select(v => v.Address));
            return new ControlResponse(ExitCodes.UsageError, $"{request.Verb}: '{request.Vip}' is not an announced VIP (announce.vips: {known})");
        }

        if (failover)
        {
            return Withdrawn(announce.Failover(vip), $"`hadirector resume --vip {vip}`");
        }

        if (announce.InMaintenance)
        {
            return new ControlResponse(ExitCodes.NotApplicable,
                $"{vip}: still withdrawn: the whole director is in maintenance (`hadirector failover`); `hadirector resume` without --vip ends it");
        }

        if (!announce.IsHeld(vip))
        {
            return new ControlResponse(ExitCodes.Ok, $"{vip}: not held by failover; nothing to resume");
        }

        return Resumed(announce.Resume(vip));
    }

    private static ControlResponse Withdrawn(MaintenanceResult result, string resume)
    {
        var text = new StringBuilder();
        foreach (var vip in result.Vips)
        {
            text.AppendLine($"{vip.Vip}: withdrawn; this director forwards what still arrives, announces again on {resume}");
        }

        return Kept(text, result);
    }

    private static ControlResponse Resumed(MaintenanceResult result)
    {
        var text = new StringBuilder();
        foreach (var vip in result.Vips)
        {
            text.AppendLine(vip.Announce
                ? $"{vip.Vip}: announcing again"
                : $"{vip.Vip}: resumed, but still withdrawn: {AnnounceNames.Of(vip.Reason).Replace('_', ' ')}{(vip.Detail is null ? "" : $" ({vip.Detail})")}");
        }

        return Kept(text, result);
    }

    /// <summary>Done either way; a state file that could not be written is said, since a restart would then forget it.</summary>
    private static ControlResponse Kept(StringBuilder text, MaintenanceResult result)
    {
        if (result.NotKept is { } error)
        {
            text.AppendLine($"WARNING: not kept across a restart of the daemon ({error})");
        }

        return new ControlResponse(ExitCodes.Ok, text.ToString().TrimEnd());
    }

    /// <summary>The announced VIPs' answer, followed by the VRRP instances' when there are any.</summary>
    private async Task<ControlResponse> WithVrrpAsync(ControlResponse announced, Func<Task<ControlResponse>> instances)
    {
        if (vrrp.Instances.Count == 0)
        {
            return announced;
        }

        var other = await instances();
        var code = other.ExitCode == ExitCodes.NotApplicable ? announced.ExitCode : other.ExitCode;
        return new ControlResponse(code, announced.Message + Environment.NewLine + other.Message);
    }

    private ControlResponse Resume(string? name)
    {
        if (Select(name, out var selected) is { } error)
        {
            return error;
        }

        var text = new StringBuilder();
        foreach (var instance in WithSyncGroups(selected))
        {
            if (instance.Driver.GetStatistics().IsHeld)
            {
                instance.Driver.Post(new VrrpInput.Resume());
                text.AppendLine($"{instance.Config.Name}: resumed (competes for master again)");
            }
            else
            {
                text.AppendLine($"{instance.Config.Name}: not held; nothing to resume");
            }
        }

        return new ControlResponse(ExitCodes.Ok, text.ToString().TrimEnd());
    }

    private ControlResponse Drain(ControlRequest request, bool drain)
    {
        var verb = drain ? "drain" : "undrain";
        if (request.Target is null || !DrainTarget.TryParse(request.Target, out var parsed))
        {
            return new ControlResponse(ExitCodes.UsageError, $"{verb}: expected ADDR or ADDR:PORT, got '{request.Target}'");
        }

        var target = parsed! with { VirtualServer = request.Service };
        var servers = running.Current.VirtualServers.Where(v => request.Service is null || v.Name == request.Service).ToList();
        if (request.Service is not null && servers.Count == 0)
        {
            return new ControlResponse(ExitCodes.UsageError, $"{verb}: no virtual server named '{request.Service}'");
        }

        var matches = servers.Sum(v => v.RealServers.Count(r => target.Matches(v.Name, DestinationKey.Of(ServiceMapping.ToDestination(v, r)))));
        if (matches == 0)
        {
            return new ControlResponse(ExitCodes.UsageError, $"{verb}: {target} is not a real server of {(request.Service ?? "any virtual server")}");
        }

        var changed = drain ? ipvs.Reconciler.Drain(target) : ipvs.Reconciler.Undrain(target);
        var what = $"{target} ({matches} destination(s))";
        return new ControlResponse(ExitCodes.Ok, drain
            ? (changed ? $"drained {what}: weight 0, established connections finish" : $"{what} was already drained")
            : (changed ? $"undrained {what}: back to its weight" : $"{what} was not drained"));
    }

    private ControlResponse? Select(string? name, out IReadOnlyList<VrrpInstance> instances)
    {
        instances = name is null ? vrrp.Instances : [.. vrrp.Instances.Where(i => i.Config.Name == name)];
        if (instances.Count > 0)
        {
            return null;
        }

        // An unknown name is a mistake in the command line, not a failure of the daemon.
        return new ControlResponse(name is null ? ExitCodes.Failure : ExitCodes.UsageError, name is null
            ? "no VRRP instances are configured"
            : $"no VRRP instance named '{name}' (configured: {string.Join(", ", vrrp.Instances.Select(i => i.Config.Name))})");
    }

    /// <summary>
    /// The selected instances with the other members of their sync groups, in configuration order: a group is handed over
    /// and resumed as one (a member left held would keep the others from becoming master, SyncGroup.MayBecomeMaster).
    /// </summary>
    private IReadOnlyList<VrrpInstance> WithSyncGroups(IReadOnlyList<VrrpInstance> selected)
    {
        var groups = selected.Select(i => vrrp.SyncGroupOf(i.Config.Name)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return groups.Count == 0 ? selected
            : [.. vrrp.Instances.Where(i => selected.Contains(i) || (vrrp.SyncGroupOf(i.Config.Name) is { } group && groups.Contains(group)))];
    }

    private static string Lower(VrrpState state) => state.ToString().ToLowerInvariant();
}
