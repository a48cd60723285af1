using HaDirector.Director.Cli;
using HaDirector.Director.Configuration;
using HaDirector.Director.Import;
using HaDirector.Director.Tests.Configuration;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Tests.Import;

/// <summary>
/// keepalived.conf files as operators write them (Import/Samples, one directory each, with their include files):
/// multi-instance NAT directors, dual-stack, tracked sync groups over unicast, many services split across globbed
/// includes with definitions and @host lines, a checker per real server, auth_hmac. Each is imported as
/// <c>import-keepalived --host lb1</c> does: the YAML passes the loader (check-config --offline), the listed
/// omissions are exactly the expected ones (file:line: keyword) and the exit code says whether there were any.
/// keepalived itself accepts every sample: Integration.Tests' KeepalivedConfigTestTests runs <c>keepalived -t</c>.
/// </summary>
public sealed class KeepalivedSamplesTests
{
    public static string SamplesDirectory { get; } = Path.Combine(ConfigLoaderTests.RepositoryRoot(), "tests", "Director.Tests", "Import", "Samples");

    public static TheoryData<string, string[]> Samples() => new()
    {
        {
            "nat-director",
            [
                "keepalived.conf:6: notification_email", "keepalived.conf:9: notification_email_from", "keepalived.conf:10: smtp_server",
                "keepalived.conf:11: smtp_connect_timeout", "keepalived.conf:68: HTTP_GET", "keepalived.conf:80: HTTP_GET",
                "keepalived.conf:122: DNS_CHECK", "keepalived.conf:129: DNS_CHECK",
            ]
        },
        { "dual-stack", [] },
        { "tracked-pair", ["keepalived.conf:6: enable_script_security", "keepalived.conf:8: vrrp_garp_master_delay", "keepalived.conf:130: quorum"] },
        {
            "many-services",
            [
                "global.conf:4: vrrp_garp_master_refresh_repeat", "services/mail/smtp.conf:9: SMTP_CHECK", "services/mail/smtp.conf:16: SMTP_CHECK",
                "services/web/www.conf:10: HTTP_GET", "services/web/www.conf:22: HTTP_GET",
            ]
        },
        { "checks", ["keepalived.conf:5: enable_script_security", "keepalived.conf:104: regex"] },
        { "hmac", [] },
    };

    private static ImportResult Import(string sample, string host = "lb1")
    {
        var main = Path.Combine(SamplesDirectory, sample, "keepalived.conf");
        return KeepalivedImporter.Import(KeepalivedReader.Read(main, new FileSystemIncludeResolver(), host), main);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Import_Sample_ValidYamlAndExactlyTheExpectedOmissions(string sample, string[] omissions)
    {
        var dir = Path.Combine(SamplesDirectory, sample);
        var result = Import(sample);

        KeepalivedImporterTests.AssertValid(result);
        Assert.Equal(omissions, result.Warnings.Select(w => $"{Path.GetRelativePath(dir, w.Location.File)}:{w.Location.Line}: {w.Keyword}"));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Run_Sample_ExitCodeSaysWhetherAnythingWasLeftOut(string sample, string[] omissions)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = ImportKeepalivedCommand.Run(Path.Combine(SamplesDirectory, sample, "keepalived.conf"), null, false, "lb1", new FileSystemIncludeResolver(), stdout, stderr);

        Assert.Equal(omissions.Length == 0 ? 0 : 1, exit);
        Assert.Equal(omissions.Length, stderr.ToString().Split('\n').Count(l => l.StartsWith("warning: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Import_NatDirector_TwoInstancesInOneGroupNatServicesAndTheSyncDaemon()
    {
        var config = KeepalivedImporterTests.AssertValid(Import("nat-director"));

        Assert.Equal(["VI_PUB", "VI_GW"], config.Vrrp.Instances.Select(i => i.Name));
        Assert.Equal(["VI_PUB", "VI_GW"], Assert.Single(config.Vrrp.SyncGroups).Instances);
        Assert.All(config.Vrrp.Instances, i => Assert.Equal(2, i.Version));
        Assert.Equal("eth1", config.Ipvs.SyncDaemon!.Interface);
        Assert.Equal(["198.18.0.80:80", "198.18.0.81:443", "198.18.0.80:53"], config.VirtualServers.Select(v => v.Name));
        Assert.All(config.VirtualServers, v => Assert.Equal(IpvsForwardingMethod.Masquerade, v.Forwarding));
        Assert.Equal(8080, config.VirtualServers[0].RealServers[0].Port);
        // DNS_CHECK is not carried over: the servers stay up, as a real_server without a checker would.
        Assert.Equal(HealthCheckType.None, config.VirtualServers[2].HealthCheck.Type);
    }

    [Fact]
    public void Import_DualStack_AnInstanceAndServicesPerFamily()
    {
        var config = KeepalivedImporterTests.AssertValid(Import("dual-stack"));

        Assert.Equal(["198.18.0.90", "2001:db8:0:90::80"], config.Vrrp.Instances.Select(i => i.VirtualAddresses[0].Address.ToString()));
        Assert.All(config.Vrrp.Instances, i => Assert.Equal((3, TimeSpan.FromMilliseconds(500)), (i.Version, i.AdvertInterval)));
        Assert.Equal(["198.18.0.90:80", "[2001:db8:0:90::80]:80", "[2001:db8:0:90::80]:443"], config.VirtualServers.Select(v => v.Name));
    }

    [Fact]
    public void Import_ManyServices_IncludesDefinitionsGroupsAndFwmarkForEachHost()
    {
        var lb1 = KeepalivedImporterTests.AssertValid(Import("many-services"));
        var lb2 = KeepalivedImporterTests.AssertValid(Import("many-services", host: "lb2"));

        Assert.Equal(
            // services/{web,mail}/*.conf: web's files (sorted), then mail's, as glob(3) with GLOB_BRACE lists them
            ["198.18.2.11:80", "198.18.2.10:80", "198.18.2.10:443", "198.18.2.12:993", "198.18.2.12:25",
             "VSG_APP-198.18.2.20:80", "VSG_APP-198.18.2.21:80", "VSG_APP-198.18.2.22:80", "VSG_APP-198.18.2.23:80", "fwmark-12"],
            lb1.VirtualServers.Select(v => v.Name));
        Assert.Equal(7, lb1.Vrrp.Instances[0].VirtualAddresses.Count);
        Assert.Equal((150, 100), (lb1.Vrrp.Instances[0].Priority, lb2.Vrrp.Instances[0].Priority));
    }
}
