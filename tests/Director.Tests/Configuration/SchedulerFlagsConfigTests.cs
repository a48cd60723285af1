using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

/// <summary><c>schedulerFlags</c>: the mh scheduler's mh-fallback and mh-port (ipvsadm -b), checked against the scheduler.</summary>
public sealed class SchedulerFlagsConfigTests
{
    private const string Head = "announce:\n  vips: [{ address: 198.18.10.80 }]\nvirtualServers:\n";

    [Fact]
    public void LoadFromText_MhWithBothFlags_ReadsThem()
    {
        var result = ConfigLoader.LoadFromText(
            Head + "  - { name: web, vip: 198.18.10.80, port: 80, scheduler: mh, schedulerFlags: [mh-port, mh-fallback], realServers: [{ address: 198.18.20.1 }] }\n",
            "t.yaml");

        Assert.Empty(result.Errors);
        Assert.Equal([SchedulerFlag.MhPort, SchedulerFlag.MhFallback], result.Config!.VirtualServers[0].SchedulerFlags);
    }

    [Fact]
    public void LoadFromText_NoFlags_NoneByDefault()
    {
        var result = ConfigLoader.LoadFromText(
            Head + "  - { name: web, vip: 198.18.10.80, port: 80, scheduler: mh, realServers: [{ address: 198.18.20.1 }] }\n", "t.yaml");

        Assert.Empty(result.Config!.VirtualServers[0].SchedulerFlags);
    }

    public static TheoryData<string, string, string[]> Invalid => new()
    {
        {
            "a flag with another scheduler",
            "virtualServers:\n  - name: web\n    vip: 198.18.0.100\n    port: 80\n    scheduler: wlc\n    schedulerFlags: [mh-port]\n"
                + "    realServers: [{ address: 198.18.20.1 }]\n"
                + "vrrp:\n  instances:\n    - { name: v, interface: eth0, vrid: 51, priority: 100, virtualAddresses: [198.18.0.100/32] }\n",
            ["t.yaml:6:22: virtualServers[0].schedulerFlags[0]: mh-port is a flag of the mh scheduler, and this service's scheduler is 'wlc': "
                + "set scheduler: mh, or remove mh-port"]
        },
        {
            "an unknown flag",
            Head + "  - { name: web, vip: 198.18.10.80, port: 80, scheduler: mh, schedulerFlags: [sh-port], realServers: [{ address: 198.18.20.1 }] }\n",
            ["t.yaml:4:79: virtualServers[0].schedulerFlags[0]: expected one of mh-fallback, mh-port, got 'sh-port'; did you mean 'mh-port'?"]
        },
        {
            "a flag twice",
            Head + "  - { name: web, vip: 198.18.10.80, port: 80, scheduler: mh, schedulerFlags: [mh-port, mh-port], realServers: [{ address: 198.18.20.1 }] }\n",
            ["t.yaml:4:88: virtualServers[0].schedulerFlags[1]: mh-port is already given at virtualServers[0].schedulerFlags[0]"]
        },
        {
            "inhibit on an mh service without mh-fallback",
            Head + "  - name: web\n    vip: 198.18.10.80\n    port: 80\n    scheduler: mh\n    healthCheck: { type: tcp, onFailure: inhibit }\n"
                + "    realServers: [{ address: 198.18.20.1 }, { address: 198.18.20.2 }]\n",
            ["t.yaml:8:42: virtualServers[0].healthCheck.onFailure: onFailure: inhibit sets a failed real server's weight to 0, and mh keeps its slots "
                + "in the Maglev table: without the mh-fallback flag IPVS schedules nothing for them and new connections that hash to that server are "
                + "refused. Add schedulerFlags: [mh-fallback] to virtualServers[0], or use onFailure: remove"]
        },
        {
            "one real server's inhibit on an mh service without mh-fallback",
            Head + "  - name: web\n    vip: 198.18.10.80\n    port: 80\n    scheduler: mh\n    schedulerFlags: [mh-port]\n"
                + "    realServers: [{ address: 198.18.20.1 }, { address: 198.18.20.2, onFailure: inhibit }]\n",
            ["t.yaml:9:80: virtualServers[0].realServers[1].onFailure: onFailure: inhibit sets a failed real server's weight to 0, and mh keeps its slots "
                + "in the Maglev table: without the mh-fallback flag IPVS schedules nothing for them and new connections that hash to that server are "
                + "refused. Add schedulerFlags: [mh-fallback] to virtualServers[0], or use onFailure: remove"]
        },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void LoadFromText_InvalidSchedulerFlags_ReportsWithFileLineAndTheFix(string why, string yaml, string[] expected)
    {
        var result = ConfigLoader.LoadFromText(yaml, "t.yaml");

        Assert.True(expected.SequenceEqual(result.Errors.Select(e => e.ToString())), $"{why}:\n{string.Join("\n", result.Errors)}");
    }

    [Fact]
    public void LoadFromText_InhibitWithMhFallback_Accepted()
    {
        var result = ConfigLoader.LoadFromText(
            Head + "  - name: web\n    vip: 198.18.10.80\n    port: 80\n    scheduler: mh\n    schedulerFlags: [mh-fallback]\n"
                + "    healthCheck: { type: tcp, onFailure: inhibit }\n    realServers: [{ address: 198.18.20.1 }]\n",
            "t.yaml");

        Assert.Empty(result.Errors);
    }
}
