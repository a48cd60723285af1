using static HaDirector.Director.Import.YamlOut;

namespace HaDirector.Director.Import;

public sealed partial class KeepalivedImporter
{
    private const int MaxWeight = 253;

    /// <summary>Each line of a <c>track_*</c> block: <c>NAME [weight W [reverse]]</c>.</summary>
    /// <param name="group">The vrrp_sync_group whose own block this is (applied to each member), or null.</param>
    private void Tracks(KeepalivedNode block, InstanceParts c, Notes notes, Func<KeepalivedNode, Notes, (string Tracker, long? DefaultWeight)?> tracker,
        GroupTracks? group = null)
    {
        foreach (var line in block.Children ?? [])
        {
            if (tracker(line, notes) is not { } t)
            {
                continue;
            }
            var at = line with { Keyword = block.Keyword, Args = [line.Keyword, .. line.Args] };
            long? weight = t.DefaultWeight;
            var weightAt = line.Args.ToList().IndexOf("weight");
            if (weightAt >= 0 && Integer(line, weightAt + 1) is { } w)
            {
                weight = w;
            }
            if (line.Args.Contains("reverse"))
            {
                notes.Add("track", Warn(line, "'reverse' not carried over: HaDirector applies a weight while the tracker fails (negative) or is up (positive); invert the check instead"));
            }
            if (group is null && weight is not null and not 0 && _unweightedMembers.Contains(_instance) && !SyncGroupWeight(block.Keyword, line, ref weight))
            {
                continue;
            }
            if (group is { HasOwner: true } && weight is not null and not 0)
            {
                // vrrp.c, sync_group_tracking_init: "Cannot have weighted track ... with member having priority 255 - clearing weight"
                notes.Add("track", Explain(at, $"weight {weight} cleared as keepalived does: a member of {group.Name} has priority 255, so a failure is a fault"));
                weight = null;
            }
            if (weight is { } clamped && Math.Abs(clamped) > MaxWeight)
            {
                notes.Add("track", Warn(line, $"weight {clamped} is {Math.Sign(clamped) * MaxWeight} in HaDirector (its limit)"));
                weight = Math.Sign(clamped) * MaxWeight;
            }
            if (group is not null && c.Tracked.TryGetValue(t.Tracker, out var own))
            {
                // track_file.c, vrrp.c (add_vrrp_to_interface): "... is configured on VRRP instance and sync group. Remove
                // vrrp instance config": one tracking, with the group's weight unless the instance's is unweighted (a fault).
                var weighted = own.Entries.RemoveAll(e => e.Key == "weight") > 0;
                if (weighted && weight is { } groupWeight and not 0)
                {
                    own.Add("weight", Scalar.Number(groupWeight), Loc(line));
                }
                own.Note(Explain(at, $"tracked by {_instance} and by its vrrp_sync_group {group.Name}: one entry, {(weighted ? "with the group's weight" : "a fault as the instance has it")}, as keepalived does (it asks to remove one of the two)"));
                continue;
            }
            var map = new Map().Add("tracker", Scalar.Str(t.Tracker));
            if (weight is { } nonZero and not 0)
            {
                map.Add("weight", Scalar.Number(nonZero));
            }
            c.Tracked[t.Tracker] = map;
            c.Track.Add((map, group is null ? Loc(line) : $"{Loc(line)}: vrrp_sync_group {group.Name}'s {block.Keyword}, on every member as keepalived applies it"));
        }
    }

    /// <summary>
    /// keepalived (vrrp.c, sync_group_tracking_init) adds a vrrp_sync_group's own track_script, track_interface,
    /// track_file and track_process to every member instance, weights included (unlike the members' own weighted
    /// trackers, which a group without sync_group_tracking_weight ignores), except that a member with priority 255
    /// clears the weights. Recorded per member before the instances are translated.
    /// </summary>
    private void RecordGroupTracks(KeepalivedNode group, List<KeepalivedNode> instances)
    {
        var names = (group.Children ?? []).Where(c => c.Keyword == "group").SelectMany(c => c.Words().Select(w => w.Word)).ToList();
        if (names.Count < 2)
        {
            return; // not carried over (SyncGroup says so)
        }
        var members = instances.Where(i => i.Arg(0) is { } n && names.Contains(n, StringComparer.Ordinal)).ToList();
        var owner = members.Any(i => (i.Children ?? []).Any(c => c.Keyword == "priority" && c.Arg(0) == "255"));
        var tracks = new GroupTracks(group.Arg(0) ?? "", owner, [.. (group.Children ?? []).Where(c => c.Keyword is "track_script" or "track_interface" or "track_file" or "track_process")]);
        if (tracks.Blocks.Count == 0)
        {
            return;
        }
        foreach (var member in members)
        {
            _groupTracks.TryAdd(member.Arg(0)!, tracks); // keepalived: an instance in a second group is ignored there
        }
    }

    /// <summary>One track_script, track_interface, track_file or track_process block of an instance or its group.</summary>
    private void TrackBlock(KeepalivedNode block, InstanceParts c, Notes notes, GroupTracks? group = null)
    {
        Func<KeepalivedNode, Notes, (string, long?)?> tracker = block.Keyword switch
        {
            "track_script" => TrackScript,
            "track_interface" => TrackInterface,
            "track_file" => TrackFile,
            _ => TrackProcess,
        };
        Tracks(block, c, notes, tracker, group);
    }

    /// <summary>A vrrp_sync_group's own track_* blocks, and whether one of its members owns its addresses (255).</summary>
    private sealed record GroupTracks(string Name, bool HasOwner, List<KeepalivedNode> Blocks);

    /// <summary>
    /// keepalived (vrrp.c, vrrp_complete_instance) ignores tracking weights in a sync group without
    /// sync_group_tracking_weight: a weighted interface (or a track_file of the default weight 1) becomes a fault,
    /// a weighted script or file is not tracked at all. HaDirector applies weights in sync groups, so the translation
    /// does what keepalived did; false when the line is dropped.
    /// </summary>
    private bool SyncGroupWeight(string keyword, KeepalivedNode line, ref long? weight)
    {
        var at = line with { Keyword = keyword, Args = [line.Keyword, .. line.Args] };
        var why = $"{line.Keyword}: in a vrrp_sync_group without sync_group_tracking_weight keepalived ignores tracking weights (and says so at start)";
        var fix = $"add sync_group_tracking_weight to the group in keepalived.conf and import again to keep weight {weight}";
        switch (keyword)
        {
            case "track_interface":
            case "track_file" when weight == 1:
                Warn(at, $"{why}: a failure is a fault, here as there; {fix}");
                weight = null;
                return true;
            case "track_script" or "track_file":
                Warn(at, $"{why}: not tracked, here as there; {fix}");
                return false;
            default:
                return true; // track_process: keepalived keeps its weight
        }
    }

    private (string, long?)? TrackScript(KeepalivedNode line, Notes notes)
    {
        if (!_scripts.TryGetValue(line.Keyword, out var script))
        {
            notes.Add("track", Warn(line, $"no vrrp_script {line.Keyword}: not carried over (keepalived ignores it too)"));
            return null;
        }
        long? weight = null;
        var tracker = new Map().Add("name", Scalar.Str(script.Arg(0)!), Loc(script)).Add("type", Scalar.Str("script"));
        foreach (var child in script.Children ?? [])
        {
            switch (child.Keyword)
            {
                case "script":
                    tracker.Add("command", Scalar.Str(string.Join(' ', child.Args)), Loc(child));
                    break;
                case "interval" when Seconds(child) is { } interval:
                    tracker.Add("interval", Scalar.Duration(interval), Loc(child));
                    break;
                case "timeout" when Seconds(child) is { } timeout:
                    tracker.Add("timeout", Scalar.Duration(timeout), Loc(child));
                    break;
                case "rise" when Integer(child) is { } rise:
                    tracker.Add("rise", Scalar.Number(rise), Loc(child));
                    break;
                case "fall" when Integer(child) is { } fall:
                    tracker.Add("fall", Scalar.Number(fall), Loc(child));
                    break;
                case "weight" when Integer(child) is { } w:
                    weight = w; // moves to the track: entry, as docs/migrating-from-keepalived.md says
                    if (child.Args.Contains("reverse"))
                    {
                        tracker.Note(Warn(child, "'reverse' not carried over: invert the script's exit status instead"));
                    }
                    break;
                case "user":
                    tracker.Note(Warn(child, "not carried over: scripts run as the daemon's user"));
                    break;
                case "init_fail":
                    tracker.Note(Warn(child, "not carried over: a script starts up"));
                    break;
                default:
                    tracker.Note(Warn(child, "not carried over: no HaDirector equivalent"));
                    break;
            }
        }
        if (!tracker.Has("timeout") && tracker.Entries.FirstOrDefault(e => e.Key == "interval") is { Value: Scalar every })
        {
            // keepalived lets a script run for its whole interval; HaDirector's default timeout is 1 s.
            tracker.Add("timeout", every, "keepalived's default: the interval");
        }
        AddTracker(script.Arg(0)!, tracker);
        return (script.Arg(0)!, weight);
    }

    private (string, long?)? TrackInterface(KeepalivedNode line, Notes notes)
    {
        var name = "if-" + line.Keyword;
        AddTracker(name, new Map().Add("name", Scalar.Str(name)).Add("type", Scalar.Str("interface")).Add("interface", Scalar.Str(line.Keyword), Loc(line)));
        return (name, null);
    }

    private (string, long?)? TrackFile(KeepalivedNode line, Notes notes)
    {
        if (!_trackFiles.TryGetValue(line.Keyword, out var file))
        {
            notes.Add("track", Warn(line, $"no track_file {line.Keyword}: not carried over"));
            return null;
        }
        long? weight = 1; // keepalived's default weight of a track_file
        var tracker = new Map().Add("name", Scalar.Str(line.Keyword), Loc(file)).Add("type", Scalar.Str("file"));
        foreach (var child in file.Children ?? [])
        {
            switch (child.Keyword)
            {
                case "file":
                    tracker.Add("path", Scalar.Str(child.Arg(0) ?? ""), Loc(child));
                    break;
                case "weight" when Integer(child) is { } w:
                    weight = w;
                    if (child.Args.Contains("reverse"))
                    {
                        tracker.Note(Warn(child, "'reverse' not carried over: write the negated value into the file instead"));
                    }
                    break;
                default:
                    tracker.Note(Warn(child, "not carried over: no HaDirector equivalent (a missing file reads as 0)"));
                    break;
            }
        }
        AddTracker(line.Keyword, tracker);
        return (line.Keyword, weight);
    }

    private (string, long?)? TrackProcess(KeepalivedNode line, Notes notes)
    {
        if (!_trackProcesses.TryGetValue(line.Keyword, out var process))
        {
            notes.Add("track", Warn(line, $"no track_process {line.Keyword}: not carried over"));
            return null;
        }
        long? weight = 1; // keepalived's default weight of a track_process
        var tracker = new Map().Add("name", Scalar.Str(line.Keyword), Loc(process)).Add("type", Scalar.Str("process"));
        foreach (var child in process.Children ?? [])
        {
            switch (child.Keyword)
            {
                case "process":
                    tracker.Add("process", Scalar.Str(child.Arg(0) ?? ""), Loc(child));
                    if (child.Args.Count > 1)
                    {
                        tracker.Note(Warn(child, $"the parameters '{string.Join(' ', child.Args.Skip(1))}' are not matched: HaDirector matches the process name only"));
                    }
                    break;
                case "weight" when Integer(child) is { } w:
                    weight = w;
                    break;
                case "quorum" or "quorum_max" or "param_match" or "delay" or "terminate_delay" or "fork_delay" or "full_command":
                    tracker.Note(Warn(child, "not carried over: HaDirector's process tracker is up while one process of that name runs"));
                    break;
                default:
                    tracker.Note(Warn(child, "not carried over: no HaDirector equivalent"));
                    break;
            }
        }
        AddTracker(line.Keyword, tracker);
        return (line.Keyword, weight);
    }

    private void AddTracker(string name, Map tracker)
    {
        if (_trackerNames.Add(name))
        {
            _trackers.Add(tracker);
        }
    }
}
