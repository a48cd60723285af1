using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using static HaDirector.Director.Tests.Ipvs.TestConfigs;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class DesiredTableTests
{
    private static readonly VirtualServerConfig WebServer = Web();
    private static readonly VirtualServerConfig SorryWeb = Web(sorry: new SorryServerConfig(IPAddress.Parse("198.18.2.1"), 8080));

    private static string Weights(DesiredTable table) =>
        string.Join(" ", table.Services.Single().Destinations.Select(d => $"{d}={d.Weight}"));

    [Fact]
    public void Build_NoHealthVerdicts_ConfiguredWeights()
    {
        Assert.Equal("198.18.1.1:80=2 198.18.1.2:80=1", Weights(DesiredTable.Build([WebServer])));
    }

    [Fact]
    public void Build_HealthRemovesInhibitsAndReweights_AppliedPerRealServer()
    {
        var removed = DesiredTable.Build([WebServer], new Dictionary<RealServerId, RealServerHealth> { [RealServer(WebServer, "198.18.1.1")] = RealServerHealth.Removed });
        var inhibited = DesiredTable.Build([WebServer], new Dictionary<RealServerId, RealServerHealth> { [RealServer(WebServer, "198.18.1.1")] = RealServerHealth.Inhibited });
        var dynamic = DesiredTable.Build([WebServer], new Dictionary<RealServerId, RealServerHealth> { [RealServer(WebServer, "198.18.1.2")] = RealServerHealth.WithWeight(7) });

        Assert.Equal("198.18.1.2:80=1", Weights(removed));
        Assert.Equal("198.18.1.1:80=0 198.18.1.2:80=1", Weights(inhibited));
        Assert.Equal("198.18.1.1:80=2 198.18.1.2:80=7", Weights(dynamic));
    }

    [Fact]
    public void Build_DrainWithoutPort_WeightZeroOnEveryPortOfThatAddress()
    {
        var table = DesiredTable.Build([WebServer, Web(443)], drains: [new DrainTarget(IPAddress.Parse("198.18.1.1"))]);

        Assert.All(table.Services, s => Assert.Equal(0u, s.Destinations.Single(d => d.Address.Equals(IPAddress.Parse("198.18.1.1"))).Weight));
    }

    [Fact]
    public void Build_DrainWithPort_OnlyThatPort()
    {
        var table = DesiredTable.Build([WebServer, Web(443)], drains: [new DrainTarget(IPAddress.Parse("198.18.1.1"), 443)]);

        Assert.Equal([2u, 0u], table.Services.Select(s => s.Destinations[0].Weight));
    }

    [Fact]
    public void Build_DrainAndHealthyDynamicWeight_DrainWins()
    {
        var health = new Dictionary<RealServerId, RealServerHealth> { [RealServer(WebServer, "198.18.1.1")] = RealServerHealth.WithWeight(9) };

        var table = DesiredTable.Build([WebServer], health, [new DrainTarget(IPAddress.Parse("198.18.1.1"))]);

        Assert.Equal("198.18.1.1:80=0 198.18.1.2:80=1", Weights(table));
    }

    [Fact]
    public void Build_SomeRealServerUp_NoSorryServer()
    {
        var health = new Dictionary<RealServerId, RealServerHealth> { [RealServer(SorryWeb, "198.18.1.1")] = RealServerHealth.Removed };

        Assert.Equal("198.18.1.2:80=1", Weights(DesiredTable.Build([SorryWeb], health)));
    }

    [Fact]
    public void Build_EveryRealServerRemovedOrInhibited_SorryServerWithWeightOne()
    {
        var health = new Dictionary<RealServerId, RealServerHealth>
        {
            [RealServer(SorryWeb, "198.18.1.1")] = RealServerHealth.Removed,
            [RealServer(SorryWeb, "198.18.1.2")] = RealServerHealth.Inhibited,
        };

        Assert.Equal("198.18.1.2:80=0 198.18.2.1:8080=1", Weights(DesiredTable.Build([SorryWeb], health)));
    }

    [Fact]
    public void Build_NoSorryServerConfigured_ServiceKeptWithoutDestinations()
    {
        var health = new Dictionary<RealServerId, RealServerHealth>
        {
            [RealServer(WebServer, "198.18.1.1")] = RealServerHealth.Removed,
            [RealServer(WebServer, "198.18.1.2")] = RealServerHealth.Removed,
        };

        var table = DesiredTable.Build([WebServer], health);

        Assert.Empty(table.Services.Single().Destinations);
    }

    [Fact]
    public void Constructor_SameServiceTwice_Throws()
    {
        var service = DesiredTable.Build([WebServer]).Services[0];

        var error = Assert.Throws<ArgumentException>(() => new DesiredTable([service, service]));

        Assert.StartsWith("service 198.18.0.10:80/tcp is listed twice", error.Message);
    }
}
