using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;

namespace HaDirector.Director.Tests.Ipvs;

/// <summary>Small configurations for reconciler tests: the seed's service and friends, in 198.18.0.0/15.</summary>
internal static class TestConfigs
{
    public static VirtualServerConfig Web(int port = 80, SorryServerConfig? sorry = null) => new()
    {
        Name = $"web{port}",
        Vip = IPAddress.Parse("198.18.0.10"),
        Port = port,
        Scheduler = "wlc",
        SorryServer = sorry,
        RealServers =
        [
            new RealServerConfig { Address = IPAddress.Parse("198.18.1.1"), Port = port, Weight = 2 },
            new RealServerConfig { Address = IPAddress.Parse("198.18.1.2"), Port = port, Weight = 1 },
        ],
    };

    public static DirectorConfig Config(IpvsConfig? ipvs = null, params VirtualServerConfig[] virtualServers) => new()
    {
        VirtualServers = [.. virtualServers],
        Ipvs = ipvs ?? new IpvsConfig(),
    };

    public static ServiceKey KeyOf(VirtualServerConfig virtualServer) => ServiceKey.Of(ServiceMapping.ToService(virtualServer));

    public static RealServerId RealServer(VirtualServerConfig virtualServer, string address, int? port = null) =>
        new(KeyOf(virtualServer), new DestinationKey(IPAddress.Parse(address), (ushort)(port ?? virtualServer.Port ?? 0)));

    public static HashSet<ServiceKey> Owned(params VirtualServerConfig[] virtualServers) => [.. virtualServers.Select(KeyOf)];
}
