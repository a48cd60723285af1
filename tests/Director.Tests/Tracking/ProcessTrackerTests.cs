using HaDirector.Director.Tracking;

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
}
