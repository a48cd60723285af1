using System.Diagnostics;
using HaDirector.Director.Configuration;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tracking;
using HaDirector.Linux.Netlink.Connector;
using HaDirector.Vrrp.Tracking;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Director.Tests.Tracking;

public sealed class ProcessTrackerTests : IDisposable
{
    private readonly string _proc = Directory.CreateTempSubdirectory("hadirector-proc-").FullName;

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    private void Add(int pid, string comm, string argv0)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        File.WriteAllText(Path.Combine(dir, "comm"), comm + "\n");
        File.WriteAllText(Path.Combine(dir, "cmdline"), argv0 + "\0--flag\0");
    }

    [Fact]
    public void Count_ByCommOrArgv0_CountsEachMatchingProcess()
    {
        Add(10, "haproxy", "/usr/sbin/haproxy");
        Add(11, "haproxy", "haproxy");
        Add(12, "nginx", "/usr/sbin/nginx");
        Add(13, "python3", "/usr/local/bin/haproxy"); // a wrapper named as the process
        Directory.CreateDirectory(Path.Combine(_proc, "self"));

        Assert.Equal(3, ProcessTracker.Count(_proc, "haproxy"));
        Assert.Equal(0, ProcessTracker.Count(_proc, "haprox"));
    }

    [Fact]
    public void Count_NameLongerThanComm_MatchedByArgv0()
    {
        // The kernel keeps 15 characters in comm.
        Add(20, "very-long-daemo", "/opt/bin/very-long-daemon-name");

        Assert.Equal(1, ProcessTracker.Count(_proc, "very-long-daemon-name"));
        Assert.Equal(0, ProcessTracker.Count(_proc, "very-long-daemo-other"));
    }

    [Fact]
    public void Apply_ForkExecRenameExitAndLoss_KeepsTheSetOfMatchingProcesses()
    {
        var running = new HashSet<int>();
        Add(30, "bash", "/bin/bash");

        Assert.False(ProcessTracker.Apply(running, new ProcEvent(ProcEventKind.Fork, 30, 30), _proc, "haproxy"));
        Add(30, "haproxy", "/usr/sbin/haproxy");                     // the shell exec'd haproxy
        Assert.True(ProcessTracker.Apply(running, new ProcEvent(ProcEventKind.Exec, 30, 30), _proc, "haproxy"));
        Add(31, "haproxy", "/usr/sbin/haproxy");                     // it forked a worker
        Assert.True(ProcessTracker.Apply(running, new ProcEvent(ProcEventKind.Fork, 31, 31), _proc, "haproxy"));
        Assert.False(ProcessTracker.Apply(running, new ProcEvent(ProcEventKind.Exit, 32, 31), _proc, "haproxy")); // a thread
        Assert.True(ProcessTracker.Apply(running, new ProcEvent(ProcEventKind.Exit, 30, 30), _proc, "haproxy"));  // the parent daemonized
        Assert.Equal([31], running.Order());

        Add(40, "haproxy", "/usr/sbin/haproxy");
        Assert.True(ProcessTracker.Apply(running, new ProcEvent(ProcEventKind.Lost, 0, 0), _proc, "haproxy"));
        Assert.Equal([30, 31, 40], running.Order());                 // overflow: /proc read again
    }

    [Fact]
    public async Task Run_RealProcessStartsAndExits_FollowedByEventsWithoutWaitingForTheInterval()
    {
        // A copy of sleep under a name nothing else runs; an hour's interval on a clock that never moves.
        var name = "hdtrk" + Guid.NewGuid().ToString("N")[..8];
        var binary = Path.Combine(_proc, name);
        File.Copy("/bin/sleep", binary); // keeps its mode: executable
        var config = new TrackerConfig { Name = "p", Type = TrackerType.Process, Process = name, Interval = TimeSpan.FromHours(1) };
        await using var tracker = new ProcessTracker(config, new FakeTimeProvider());
        var changes = System.Threading.Channels.Channel.CreateUnbounded<TrackerReading>();
        tracker.Changed += t => changes.Writer.TryWrite(t.Reading);
        tracker.Start();
        Assert.Equal(TrackerReading.Failing, tracker.Reading);
        await TestDirector.WaitUntilAsync(() => tracker.Watching, "the tracker to watch process events");

        using var child = Process.Start(binary, "30");
        try
        {
            Assert.Equal(TrackerReading.Healthy, await changes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            child.Kill();
        }

        Assert.Equal(TrackerReading.Failing, await changes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
