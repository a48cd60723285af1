using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// Runs the kernel's connection-sync daemons (<c>ipvs.syncDaemon</c>) in both roles on every node, as the
/// kernel allows: the master daemon announces the connections this node forwards, the backup daemon learns the
/// peer's. Neither follows VRRP, because stopping a master daemon throws away what it has not sent yet (the
/// kernel flushes its buffer every 2 s), and stopping a backup daemon at takeover would miss the old master's
/// last flush: exactly the connections that were in flight when the VIP moved. Each node's multicast loop is
/// off in the kernel, so a node never hears its own announcements.
/// </summary>
public sealed partial class SyncDaemonController(IIpvsKernel kernel, SyncDaemonConfig? config, ILogger<SyncDaemonController> logger)
{
    public bool Enabled => config is not null;

    /// <summary>Starts whichever role is not running with this configuration (idempotent).</summary>
    public void EnsureRunning()
    {
        if (config is null)
        {
            return;
        }

        var running = kernel.GetDaemons();
        foreach (var role in (ReadOnlySpan<IpvsSyncState>)[IpvsSyncState.Backup, IpvsSyncState.Master])
        {
            Ensure(role, running.FirstOrDefault(d => d.State == role), config);
        }
    }

    /// <summary>Stops both roles (the feature turned off or changed by a reload).</summary>
    public void StopAll()
    {
        Stop(IpvsSyncState.Master);
        Stop(IpvsSyncState.Backup);
    }

    private void Ensure(IpvsSyncState role, IpvsSyncDaemon? running, SyncDaemonConfig wanted)
    {
        if (running is not null)
        {
            if (running.InterfaceName == wanted.Interface && running.SyncId == (uint)wanted.SyncId)
            {
                return;
            }

            // A daemon of this role with other settings (an older config, or started by hand) is replaced.
            Stop(role);
        }

        try
        {
            kernel.StartDaemon(new IpvsSyncDaemon { State = role, InterfaceName = wanted.Interface, SyncId = (uint)wanted.SyncId });
            LogStarted(logger, role, wanted.Interface, wanted.SyncId);
        }
        catch (IpvsErrorException ex)
        {
            LogStartFailed(logger, role, wanted.Interface, ex.Message, ex);
        }
    }

    private void Stop(IpvsSyncState role)
    {
        try
        {
            kernel.StopDaemon(role);
            LogStopped(logger, role);
        }
        catch (IpvsErrorException ex) when (ex.Errno == Errno.ESRCH)
        {
            // None of that role was running: nothing to stop.
        }
        catch (IpvsErrorException ex)
        {
            LogStopFailed(logger, role, ex.Message, ex);
        }
    }
}
