using System.Net;

namespace HaDirector.Director.RealServers;

/// <summary>
/// Runs <c>realserver up|down</c>: observe, plan (<see cref="RealServerPlanner"/>), save state, apply, report.
/// The state is saved before the host is changed, so a failure half-way still leaves <c>down</c> able to undo it.
/// </summary>
public sealed class RealServerSetup(IRealServerHost host, RealServerPaths paths, TextWriter output)
{
    public void Up(IReadOnlyList<IPAddress> vips, bool persist, string executable)
    {
        var saved = RealServerStateFile.Load(paths.StateFile);
        var plan = RealServerPlanner.PlanUp(vips, host.Observe(), saved);
        var stateChanged = saved is null || !SameState(saved, plan.NewState!);
        if (stateChanged)
        {
            RealServerStateFile.Save(paths.StateFile, plan.NewState!);
        }

        // Silence ARP first, then add the VIPs: the host must never answer ARP for a VIP, not even briefly.
        foreach (var write in plan.SysctlWrites)
        {
            host.WriteSysctl(write);
            output.WriteLine($"set {write}");
        }
        foreach (var vip in plan.VipsToAdd)
        {
            output.WriteLine(host.AddLoopbackVip(vip) ? $"added {HostPrefix(vip)} to lo" : $"{HostPrefix(vip)} appeared on lo meanwhile: kept");
        }
        Notes(plan);

        var persisted = persist && WritePersistFiles(plan.NewState!, executable);
        if (!plan.ChangesHost && !persisted)
        {
            output.WriteLine($"already up: nothing changed ({string.Join(", ", plan.NewState!.AllVips)} on lo, arp_ignore=1, arp_announce=2)");
        }
        else
        {
            output.WriteLine($"state saved in {paths.StateFile}; `hadirector realserver down` restores the previous settings");
        }
    }

    public void Down(IReadOnlyList<IPAddress> vips, bool persist)
    {
        var saved = RealServerStateFile.Load(paths.StateFile);
        var removedPersist = persist && RemovePersistFiles();
        if (!persist && File.Exists(paths.UnitFile))
        {
            output.WriteLine($"note: {paths.UnitFile} still brings the VIPs back at boot; `realserver down --persist` removes it");
        }
        if (saved is null)
        {
            output.WriteLine(removedPersist
                ? $"no saved state in {paths.StateFile}: only the boot-time files were removed"
                : $"nothing to undo: no saved state in {paths.StateFile} (realserver up was not run, or down already ran)");
            return;
        }

        var plan = RealServerPlanner.PlanDown(vips, host.Observe(), saved);
        // Remove the VIPs before ARP is allowed again, the reverse of up.
        foreach (var vip in plan.VipsToRemove)
        {
            output.WriteLine(host.DeleteLoopbackVip(vip) ? $"removed {HostPrefix(vip)} from lo" : $"{HostPrefix(vip)} was already gone from lo");
        }
        foreach (var write in plan.SysctlWrites)
        {
            host.WriteSysctl(write);
            output.WriteLine($"restored {write}");
        }
        Notes(plan);

        if (plan.NewState is null)
        {
            RealServerStateFile.Delete(paths.StateFile);
            output.WriteLine(plan.ChangesHost ? "down: the host is as it was before realserver up" : "down: nothing needed changing; state cleared");
        }
        else
        {
            RealServerStateFile.Save(paths.StateFile, plan.NewState);
            if (persist)
            {
                WritePersistFiles(plan.NewState, RealServerBinary.Resolve());
            }
        }
    }

    private void Notes(RealServerPlan plan)
    {
        foreach (var note in plan.Notes)
        {
            output.WriteLine(note);
        }
    }

    /// <summary>Writes the sysctl.d file, the unit and its wants link; true if any of them changed.</summary>
    private bool WritePersistFiles(RealServerState state, string executable)
    {
        var changed = WriteIfDifferent(paths.SysctlFile, PersistedRealServer.SysctlConf());
        changed |= WriteIfDifferent(paths.UnitFile, PersistedRealServer.Unit(executable, state.AllVips, paths.StateDirectory));
        if (changed && Path.GetFileName(Path.GetDirectoryName(executable)) is not ("bin" or "sbin"))
        {
            output.WriteLine($"note: the unit runs {executable}, which is not an installed copy; install hadirector (deploy/install) and run up --persist again");
        }
        // What `systemctl enable` would do, without needing a running systemd (images, chroots).
        if (!File.Exists(paths.UnitWantsLink) && new FileInfo(paths.UnitWantsLink).LinkTarget is null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(paths.UnitWantsLink)!);
            File.CreateSymbolicLink(paths.UnitWantsLink, paths.UnitFile);
            output.WriteLine($"enabled {RealServerPaths.UnitName} ({paths.UnitWantsLink})");
            changed = true;
        }
        if (changed)
        {
            output.WriteLine("run `systemctl daemon-reload` so systemd sees the new unit now (it is used at the next boot either way)");
        }
        return changed;
    }

    private bool RemovePersistFiles()
    {
        var removed = false;
        foreach (var path in new[] { paths.UnitWantsLink, paths.UnitFile, paths.SysctlFile })
        {
            if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
            {
                File.Delete(path);
                output.WriteLine($"removed {path}");
                removed = true;
            }
        }
        return removed;
    }

    private bool WriteIfDifferent(string path, string text)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text)
        {
            return false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        output.WriteLine($"wrote {path}");
        return true;
    }

    private static bool SameState(RealServerState a, RealServerState b) =>
        a.PreviousSysctls.Count == b.PreviousSysctls.Count && !a.PreviousSysctls.Except(b.PreviousSysctls).Any()
        && a.AddedVips.SequenceEqual(b.AddedVips) && a.PresentVips.SequenceEqual(b.PresentVips);

    /// <summary>The VIP as lo holds it: /32, or /128 for IPv6.</summary>
    private static string HostPrefix(System.Net.IPAddress vip) =>
        $"{vip}/{(vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32)}";
}
