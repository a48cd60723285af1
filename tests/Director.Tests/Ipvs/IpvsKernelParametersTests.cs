using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class IpvsKernelParametersTests
{
    private readonly FakeSysctls _sysctls = new()
    {
        Values = { ["expire_nodest_conn"] = "0", ["sync_threshold"] = "3\t50" },
    };

    private void Apply(IpvsConfig config) =>
        new IpvsKernelParameters(_sysctls, NullLogger<IpvsKernelParameters>.Instance).Apply(config);

    private static IpvsConfig WithSync(int threshold = SyncDaemonConfig.DefaultSyncThreshold) =>
        new() { SyncDaemon = new SyncDaemonConfig("eth0", 51, TimeSpan.FromSeconds(3), threshold) };

    [Fact]
    public void Apply_KernelDefaults_ExpiresDeadConnectionsAndAnnouncesAtTheHandshakeAckKeepingThePeriod()
    {
        Apply(WithSync());

        Assert.Equal(["expire_nodest_conn=1", "sync_threshold=2 50"], _sysctls.Writes);
    }

    [Fact]
    public void Apply_AlreadyAsWanted_WritesNothing()
    {
        _sysctls.Values["expire_nodest_conn"] = "1";
        _sysctls.Values["sync_threshold"] = "4\t100";

        Apply(WithSync(4));

        Assert.Empty(_sysctls.Writes);
    }

    [Fact]
    public void Apply_NoSyncDaemonAndExpireOff_LeavesTheKernelAlone()
    {
        Apply(new IpvsConfig { ExpireNodestConn = false });

        Assert.Empty(_sysctls.Writes);
    }

    [Fact]
    public void Apply_ThresholdNotBelowThePeriod_NotWrittenOthersStillSet()
    {
        _sysctls.Values["sync_threshold"] = "3\t10";

        Apply(WithSync(10));

        Assert.Equal(["expire_nodest_conn=1"], _sysctls.Writes);
    }

    [Fact]
    public void Apply_SysctlsMissing_DoesNotThrow()
    {
        _sysctls.Values.Clear();

        Apply(WithSync());

        Assert.Empty(_sysctls.Writes);
    }

    private sealed class FakeSysctls : IIpvsSysctls
    {
        public Dictionary<string, string> Values { get; } = [];

        public List<string> Writes { get; } = [];

        public string Read(string name) =>
            Values.TryGetValue(name, out var value) ? value : throw new FileNotFoundException($"/proc/sys/net/ipv4/vs/{name}");

        public void Write(string name, string value)
        {
            Writes.Add($"{name}={value}");
            Values[name] = value;
        }
    }
}
