using System.Net;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Control;

public sealed class ControlHandlerTests
{
    private static readonly IPAddress Peer = IPAddress.Parse("198.18.0.2");

    private static Task<ControlResponse> Handle(TestDirector director, string verb, string? instance = null, string? target = null, string? service = null) =>
        director.Control.HandleAsync(new ControlRequest { Verb = verb, Instance = instance, Target = target, Service = service }, CancellationToken.None);

    private static async Task<TestDirector> MasterAsync()
    {
        var director = new TestDirector();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        return director;
    }

    private static byte[] PeerAdvert(byte priority) =>
        FakeVrrpSocket.Advert(new VrrpPacket(VrrpVersion.V3, 51, priority, [IPAddress.Parse("198.18.0.100")], TimeSpan.FromSeconds(1)), Peer);

    [Fact]
    public async Task HandleAsync_UnknownVerb_FailsListingTheVerbs()
    {
        await using var director = new TestDirector();

        var answer = await Handle(director, "flush");

        Assert.Equal(new ControlResponse(ExitCodes.Failure, "unknown verb 'flush' (expected status, failover, resume, drain, undrain or reload)"), answer);
    }

    [Fact]
    public async Task HandleAsync_Status_CarriesTheReport()
    {
        await using var director = new TestDirector();
        await director.StartAsync();

        var answer = await Handle(director, "status");

        Assert.Equal(ExitCodes.Ok, answer.ExitCode);
        Assert.Equal("backup", Assert.Single(answer.Status!.Instances).State);
    }

    [Fact]
    public async Task Failover_OnABackup_NotApplicableAndSaysWhatItWouldDo()
    {
        await using var director = new TestDirector();
        await director.StartAsync();

        var answer = await Handle(director, "failover");

        Assert.Equal(new ControlResponse(ExitCodes.NotApplicable,
            "web: this node is backup, not master (no master heard yet); run failover on the master. "
            + "Here it would send priority 0 and hold backup until `hadirector resume`"), answer);
    }

    [Fact]
    public async Task Failover_OnTheMaster_ResignsAndAnswersOnceThePeerHasTakenOver()
    {
        await using var director = await MasterAsync();

        var answer = Handle(director, "failover", "web");
        Assert.Contains("advert eth0 vrid 51 priority 0 to 224.0.0.18", director.Kernel.Effects);
        Assert.False(answer.IsCompleted); // the VIPs stay until the new master is heard (make before break)
        director.Kernel.Socket("eth0").Deliver(PeerAdvert(100));
        while (!answer.IsCompleted)
        {
            director.Time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
        }

        Assert.Equal(new ControlResponse(ExitCodes.Ok, "web: handed over to 198.18.0.2; held as backup until `hadirector resume`"), await answer);
        Assert.DoesNotContain("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
        Assert.Equal(new ControlResponse(ExitCodes.NotApplicable,
            "web: already handed over and held as backup (the master is 198.18.0.2); `hadirector resume` lets it compete again"),
            await Handle(director, "failover"));
    }

    [Fact]
    public async Task Failover_NoPeerTakesOver_MasterAgainAndFails()
    {
        await using var director = await MasterAsync();

        var answer = await CompleteAsync(director, Handle(director, "failover", "web"));

        Assert.Equal(new ControlResponse(ExitCodes.Failure,
            "web: FAILED: priority 0 sent, but no new master was heard within 4 s: this node is master again and keeps serving the VIPs "
            + "(is the peer running and on the same VRID? `--force` hands over to nobody)"), answer);
        var stats = director.Instance().Driver.GetStatistics();
        Assert.Equal((VrrpState.Master, false), (stats.State, stats.IsHeld));
        await TestDirector.WaitUntilAsync(() => director.Metrics.VrrpState.WithLabels("web").Value == 2, "hadirector_vrrp_state 2");
        Assert.Contains("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
        var sent = director.Kernel.Socket("eth0").Sent.Count;
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(150, director.Kernel.Socket("eth0").Sent.Skip(sent).First().Packet.Priority); // adverts again
    }

    [Fact]
    public async Task Failover_ForceAndNoPeer_ReleasesTheVipsSayingNobodyServesThem()
    {
        await using var director = await MasterAsync();

        var answer = await CompleteAsync(director, director.Control.HandleAsync(
            new ControlRequest { Verb = "failover", Force = true }, CancellationToken.None));

        Assert.Equal(new ControlResponse(ExitCodes.Ok,
            "web: no new master was heard within 4 s; --force: released the VIPs anyway, NOBODY serves them now (held as backup until `hadirector resume`)"),
            answer);
        await director.SettleAsync();
        Assert.DoesNotContain("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
        Assert.True(director.Instance().Driver.GetStatistics().IsHeld);
    }

    private static async Task<ControlResponse> CompleteAsync(TestDirector director, Task<ControlResponse> answer)
    {
        for (var i = 0; i < 1000 && !answer.IsCompleted; i++)
        {
            director.Time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
        }

        await director.SettleAsync();
        return await answer.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Resume_HeldAndNotHeld_SaysWhichForEach()
    {
        await using var director = await MasterAsync();
        Assert.Equal(new ControlResponse(ExitCodes.Ok, "web: not held; nothing to resume"), await Handle(director, "resume"));
        director.Instance().Driver.Post(new VrrpInput.Failover());

        var answer = await Handle(director, "resume", "web");

        Assert.Equal(new ControlResponse(ExitCodes.Ok, "web: resumed (competes for master again)"), answer);
        Assert.False(director.Instance().Driver.GetStatistics().IsHeld);
    }

    [Theory]
    [InlineData("failover", "nope", null, null, "no VRRP instance named 'nope' (configured: web)")]
    [InlineData("resume", "nope", null, null, "no VRRP instance named 'nope' (configured: web)")]
    [InlineData("drain", null, "not-an-address", null, "drain: expected ADDR or ADDR:PORT, got 'not-an-address'")]
    [InlineData("undrain", null, null, null, "undrain: expected ADDR or ADDR:PORT, got ''")]
    [InlineData("drain", null, "198.18.1.1", "nope", "drain: no virtual server named 'nope'")]
    [InlineData("drain", null, "198.18.1.9:80", null, "drain: 198.18.1.9:80 is not a real server of any virtual server")]
    public async Task HandleAsync_BadRequest_FailsWithAClearMessageAndTheUsageCode(string verb, string? instance, string? target, string? service, string message)
    {
        await using var director = new TestDirector();
        await director.StartAsync();

        var answer = await Handle(director, verb, instance, target, service);

        Assert.Equal(new ControlResponse(ExitCodes.UsageError, message), answer);
    }

    [Fact]
    public async Task Drain_ThenAgainThenUndrain_WeightZeroInTheKernelThenBack()
    {
        await using var director = await MasterAsync();

        var drained = await Handle(director, "drain", target: "198.18.1.1:80", service: "web");
        await director.Ipvs.Reconciler.WhenIdleAsync();
        Assert.Equal(0u, KernelWeight(director));
        var again = await Handle(director, "drain", target: "198.18.1.1:80", service: "web");
        var undrained = await Handle(director, "undrain", target: "198.18.1.1:80", service: "web");
        await director.Ipvs.Reconciler.WhenIdleAsync();

        Assert.Equal(new ControlResponse(ExitCodes.Ok, "drained 198.18.1.1:80 of web (1 destination(s)): weight 0, established connections finish"), drained);
        Assert.Equal(new ControlResponse(ExitCodes.Ok, "198.18.1.1:80 of web (1 destination(s)) was already drained"), again);
        Assert.Equal(new ControlResponse(ExitCodes.Ok, "undrained 198.18.1.1:80 of web (1 destination(s)): back to its weight"), undrained);
        Assert.Equal(2u, KernelWeight(director));
    }

    private static uint KernelWeight(TestDirector director) => director.Kernel.Ipvs.Snapshot().Services.Single()
        .Destinations.Single(d => d.Destination.Address.Equals(IPAddress.Parse("198.18.1.1"))).Destination.Weight;

    [Fact]
    public async Task Reload_UnchangedFile_NoChanges()
    {
        await using var director = new TestDirector();
        await director.StartAsync();

        var answer = await Handle(director, "reload");

        Assert.Equal(new ControlResponse(ExitCodes.Ok, $"{director.Running.Path}: no changes"), answer);
    }
}
