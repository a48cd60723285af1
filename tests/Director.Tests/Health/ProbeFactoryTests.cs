using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Health;

namespace HaDirector.Director.Tests.Health;

/// <summary>The factory owns the engines the probes run on: one of each kind, shared, and gone with it. Half-open needs CAP_NET_RAW (tests run as root).</summary>
public sealed class ProbeFactoryTests
{
    private static readonly RealServerConfig First = new() { Address = IPAddress.Parse("198.18.0.10"), Port = 80 };
    private static readonly RealServerConfig Second = new() { Address = IPAddress.Parse("198.18.0.11"), Port = 80 };

    [Fact]
    public void Create_TwoHalfOpenChecks_ShareOneEngine()
    {
        using var factory = new ProbeFactory();
        var check = new HealthCheckConfig { Type = HealthCheckType.Tcp, HalfOpen = true };

        var (a, b) = (factory.Create(check, First)!, factory.Create(check, Second)!);

        Assert.NotNull(a.Engine);
        Assert.Same(a.Engine, b.Engine);
    }

    [Fact]
    public void Create_TwoConnectChecks_ShareTheConnectEngine()
    {
        using var factory = new ProbeFactory();
        var check = new HealthCheckConfig { Type = HealthCheckType.Tcp };

        var (a, b) = (factory.Create(check, First)!, factory.Create(check, Second)!);

        Assert.IsType<HaDirector.HealthCheck.Probes.ConnectEngine>(a.Engine);
        Assert.Same(a.Engine, b.Engine);
    }

    [Fact]
    public void Create_ConnectCheckWithSendAndExpect_RunsOnTheSchedulersOwnTimer()
    {
        using var factory = new ProbeFactory();

        var probe = factory.Create(new HealthCheckConfig { Type = HealthCheckType.Tcp, Send = "PING\r\n", Expect = "^\\+PONG" }, First)!;

        Assert.Null(probe.Engine);
    }

    [Fact]
    public void Create_PlainHttpCheck_RunsOnTheConnectEngineAndHttpsOrSeveralUrlsDoNot()
    {
        using var factory = new ProbeFactory();
        var tcp = factory.Create(new HealthCheckConfig { Type = HealthCheckType.Tcp }, First)!;

        var http = factory.Create(new HealthCheckConfig { Type = HealthCheckType.Http }, First)!;
        var https = factory.Create(new HealthCheckConfig { Type = HealthCheckType.Https }, First)!;
        var urls = factory.Create(new HealthCheckConfig { Type = HealthCheckType.Http, Urls = [new() { Path = "/a" }, new() { Path = "/b" }] }, First)!;

        Assert.Same(tcp.Engine, http.Engine);
        Assert.Null(https.Engine);
        Assert.Null(urls.Engine);
    }

    [Fact]
    public void Create_AfterDispose_Throws()
    {
        var factory = new ProbeFactory();
        factory.Dispose();

        Assert.Throws<ObjectDisposedException>(() => factory.Create(new HealthCheckConfig { Type = HealthCheckType.Tcp }, First));
    }
}
