using System.Net;
using System.Text.RegularExpressions;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Scheduling;
using HaDirector.HealthCheck.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.HealthCheck.Tests.Scheduling;

/// <summary>
/// The scheduler's plain HTTP targets on the connect engine's own thread (connect, request, answer, verdict, all on
/// its events), against real servers on loopback. Each test has an engine of its own.
/// </summary>
public sealed class HttpRoundsTests : EngineRoundsTests
{
    private readonly ConnectEngine _engine = new();

    protected override int Pending => _engine.Pending;

    public override void Dispose() => _engine.Dispose();

    [Fact]
    public async Task Start_ServersAnswer_EachRoundJudgedOnTheEnginesThread()
    {
        string? request = null;
        await using var ok = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(200, "ok"), r => request = r));
        await using var ok6 = LoopbackServer.StartIpv6(HttpServerScripts.Answer(HttpServerScripts.Response(200, "ok")));
        await using var error = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(503, "busy")));
        var closed = LoopbackServer.Closed();
        await using var scheduler = new HealthCheckScheduler(TimeProvider.System, Observer);
        scheduler.Add(Http("ok", ok.EndPoint, new HttpGetOptions { Endpoint = new(ok.EndPoint), Path = "/healthz", Host = "web.example" }));
        scheduler.Add(Http("ok6", ok6.EndPoint));
        scheduler.Add(Http("error", error.EndPoint));
        scheduler.Add(Http("closed", closed));
        scheduler.Start();

        var names = new[] { "ok", "ok6", "error", "closed" };
        Eventually.True(() => names.All(n => Observer.Results(n).Count >= 3), "three rounds of each");
        await scheduler.StopAsync();

        Assert.All(Observer.Results("ok"), r => Assert.Equal((true, "HTTP 200"), (r.Up, r.Reason)));
        Assert.All(Observer.Results("ok6"), r => Assert.Equal((true, "HTTP 200"), (r.Up, r.Reason)));
        Assert.All(Observer.Results("error"), r => Assert.Equal((false, "HTTP 503 (not expected)"), (r.Up, r.Reason)));
        Assert.All(Observer.Results("closed"), r => Assert.Equal((false, ProbeReasons.Refused), (r.Up, r.Reason)));
        Assert.StartsWith("GET /healthz HTTP/1.1\r\nHost: web.example\r\n", request);
        Assert.Equal(["health connect"], Observer.Threads);
        Eventually.True(() => _engine.Pending == 0, "no conversation left");
    }

    [Fact]
    public async Task Start_BodyChecks_JudgedOnTheWholeAnswer()
    {
        // A body longer than the first 1 KiB read, so the answer comes in several reads and the buffer grows.
        var body = new string('x', 5000) + "healthy";
        await using var server = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(200, body)));
        await using var scheduler = new HealthCheckScheduler(TimeProvider.System, Observer);
        var options = new HttpGetOptions { Endpoint = new(server.EndPoint) };
        scheduler.Add(Http("matches", server.EndPoint, options, BodyCheck.Matching(new Regex("healthy$"))));
        scheduler.Add(Http("differs", server.EndPoint, options, BodyCheck.Matching(new Regex("^ok$"))));
        scheduler.Start();

        Eventually.True(() => Observer.Results("matches").Count >= 2 && Observer.Results("differs").Count >= 2, "two rounds of each");
        await scheduler.StopAsync();

        Assert.All(Observer.Results("matches"), r => Assert.Equal((true, "HTTP 200"), (r.Up, r.Reason)));
        Assert.All(Observer.Results("differs"), r => Assert.Equal((false, ProbeReasons.BodyMismatch), (r.Up, r.Reason)));
    }

    [Fact]
    public async Task Start_ServerResetsMidBody_Down()
    {
        await using var server = LoopbackServer.Start(HttpServerScripts.ResetMidBody());
        await using var scheduler = new HealthCheckScheduler(TimeProvider.System, Observer);
        scheduler.Add(Http("reset", server.EndPoint));
        scheduler.Start();

        Eventually.True(() => Observer.Results("reset").Count >= 2, "two rounds");
        await scheduler.StopAsync();

        Assert.All(Observer.Results("reset"), r => Assert.False(r.Up));
        Eventually.True(() => _engine.Pending == 0, "no conversation left");
    }

    [Fact]
    public async Task Start_ServerNeverAnswers_TimedOutOnTheInjectedClockAndClosed()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        await using var server = LoopbackServer.Start(HttpServerScripts.Hold(received, never.Task, HttpServerScripts.Response(200, "late")));
        var time = new FakeTimeProvider();
        await using var scheduler = new HealthCheckScheduler(time, Observer, random: new Random(1));
        scheduler.Add(Http("silent", server.EndPoint, timing: new CheckTiming(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500))));
        scheduler.Start();

        time.Advance(TimeSpan.FromSeconds(10));
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _engine.Pending);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Empty(Observer.Results("silent"));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Eventually.True(() => Observer.Results("silent").Count == 1 && scheduler.InProgress == 0, "the round reported");

        var result = Observer.Results("silent").Single();
        Assert.Equal((false, ProbeReasons.TimedOut, TimeSpan.FromMilliseconds(500)), (result.Up, result.Reason, result.Latency));
        Assert.Equal(0, _engine.Pending);
    }

    [Fact]
    public void Engine_Https_NotOnTheEngine()
    {
        var endpoint = new ProbeEndpoint(new IPEndPoint(IPAddress.Loopback, 443));

        Assert.Null(new HttpProbe(new HttpGetOptions { Endpoint = endpoint, Tls = true }, engine: _engine).Engine);
        Assert.Same(_engine, new HttpProbe(new HttpGetOptions { Endpoint = endpoint }, engine: _engine).Engine);
    }

    protected override HealthTarget Target(string name, IPEndPoint endPoint, CheckTiming timing) => Http(name, endPoint, timing: timing);

    private HealthTarget Http(string name, IPEndPoint endPoint, HttpGetOptions? options = null, BodyCheck? body = null, CheckTiming? timing = null) =>
        new(
            name,
            new HttpProbe(options ?? new HttpGetOptions { Endpoint = new(endPoint) }, body: body, engine: _engine),
            timing ?? new CheckTiming(TimeSpan.FromMilliseconds(100), Second),
            new HealthPolicy(rise: 1, fall: 1));
}
