using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Tests.Kernel;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class IpvsKernelParametersTests
{
    private const string Vs = "net/ipv4/vs/";
    private readonly FakeKernel _kernel = new();

    public IpvsKernelParametersTests()
    {
        _kernel.SetSysctl(Vs + "expire_nodest_conn", "0");
        _kernel.SetSysctl(Vs + "sync_threshold", "3\t50");
        _parameters = new IpvsKernelParameters(_kernel.Sysctls, NullLogger<IpvsKernelParameters>.Instance);
    }

    private IEnumerable<string> Writes => _kernel.Effects.Select(e => e.Replace("sysctl " + Vs, ""));

    private readonly IpvsKernelParameters _parameters;

    private void Apply(IpvsConfig config) => _parameters.Apply(config);

    private static IpvsConfig WithSync(int threshold = SyncDaemonConfig.DefaultSyncThreshold) =>
        new() { SyncDaemon = new SyncDaemonConfig("eth0", 51, TimeSpan.FromSeconds(3), threshold) };

    [Fact]
    public void Apply_KernelDefaults_ExpiresDeadConnectionsAndAnnouncesAtTheHandshakeAckKeepingThePeriod()
    {
        Apply(WithSync());

        Assert.Equal(["expire_nodest_conn=1", "sync_threshold=2 50"], Writes);
    }

    [Fact]
    public void Apply_Ipv6ServicesWithSyncVersion0_SwitchesToVersion1ThatCarriesIpv6()
    {
        _kernel.SetSysctl(Vs + "sync_version", "0");

        new IpvsKernelParameters(_kernel.Sysctls, NullLogger<IpvsKernelParameters>.Instance).Apply(WithSync(), carriesIpv6: true);

        Assert.Equal(["expire_nodest_conn=1", "sync_threshold=2 50", "sync_version=1"], Writes);
    }

    [Fact]
    public void Apply_Ipv4OnlyWithSyncVersion0_LeavesTheVersion()
    {
        _kernel.SetSysctl(Vs + "sync_version", "0");

        Apply(WithSync());

        Assert.DoesNotContain("sync_version=1", Writes);
    }

    [Fact]
    public void Apply_AlreadyAsWanted_WritesNothing()
    {
        _kernel.SetSysctl(Vs + "expire_nodest_conn", "1");
        _kernel.SetSysctl(Vs + "sync_threshold", "4\t100");

        Apply(WithSync(4));

        Assert.Empty(Writes);
    }

    [Fact]
    public void Apply_NoSyncDaemonAndExpireOff_LeavesTheKernelAlone()
    {
        Apply(new IpvsConfig { ExpireNodestConn = false });

        Assert.Empty(Writes);
    }

    [Fact]
    public void Apply_ThresholdNotBelowThePeriod_NotWrittenOthersStillSet()
    {
        _kernel.SetSysctl(Vs + "sync_threshold", "3\t10");

        Apply(WithSync(10));

        Assert.Equal(["expire_nodest_conn=1"], Writes);
    }

    [Fact]
    public void Apply_SysctlsMissing_DoesNotThrow()
    {
        var withoutIpvs = new FakeKernel(); // ip_vs not loaded: no such files

        new IpvsKernelParameters(withoutIpvs.Sysctls, NullLogger<IpvsKernelParameters>.Instance).Apply(WithSync());

        Assert.Empty(withoutIpvs.Effects);
    }

    [Fact]
    public void Apply_ProcSysReadOnly_ListsEachUnappliedSettingWithTheReasonAndCountsTheFailures()
    {
        _kernel.MakeSysctlReadOnly(Vs + "expire_nodest_conn");
        _kernel.MakeSysctlReadOnly(Vs + "sync_threshold");

        Apply(WithSync());
        Apply(WithSync()); // a reload tries again

        Assert.Empty(Writes);
        Assert.Equal(
            [("net.ipv4.vs.expire_nodest_conn", "1"), ("net.ipv4.vs.sync_threshold", "2")],
            _parameters.Unapplied.Select(u => (u.Name, u.Wanted)));
        Assert.All(_parameters.Unapplied, u => Assert.StartsWith("Read-only file system", u.Error, StringComparison.Ordinal));
        Assert.Equal(4, _parameters.FailedWrites);
    }

    [Fact]
    public void Apply_AfterAFailureTheSettingIsNoLongerAsked_NothingListed()
    {
        _kernel.SetSysctl(Vs + "sync_threshold", "3\t10");
        Apply(WithSync(10));
        Assert.Equal(["net.ipv4.vs.sync_threshold"], _parameters.Unapplied.Select(u => u.Name));

        Apply(WithSync(4));

        Assert.Empty(_parameters.Unapplied);
        Assert.Equal(1, _parameters.FailedWrites);
    }
}
