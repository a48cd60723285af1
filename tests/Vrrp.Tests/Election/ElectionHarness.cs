using System.Net;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>A state machine on a <see cref="FakeTimeProvider"/>, stepped by hand.</summary>
internal sealed class ElectionHarness
{
    public static readonly IPAddress Vip = IPAddress.Parse("198.18.10.88");
    public static readonly IPAddress Local = IPAddress.Parse("198.18.0.10");
    public static readonly IPAddress Peer = IPAddress.Parse("198.18.0.20");
    public static readonly IPAddress LowerPeer = IPAddress.Parse("198.18.0.5");

    public ElectionHarness(VrrpInstanceOptions options)
    {
        Machine = new VrrpStateMachine(options, Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 22, 0, 0, TimeSpan.Zero));

    public VrrpStateMachine Machine { get; }

    public VrrpInstanceOptions Options => Machine.Options;

    public static VrrpInstanceOptions V3(byte priority = 100, int intervalMs = 100) =>
        new("web", 51, priority, VrrpVersion.V3, TimeSpan.FromMilliseconds(intervalMs), Local, [Vip]);

    public static VrrpInstanceOptions V2(byte priority = 100, int intervalSeconds = 1) =>
        new("web", 51, priority, VrrpVersion.V2, TimeSpan.FromSeconds(intervalSeconds), Local, [Vip]);

    public static TimeSpan Us(long microseconds) => TimeSpan.FromTicks(microseconds * 10);

    public IReadOnlyList<VrrpAction> Step(VrrpInput input) => Machine.Step(input);

    public IReadOnlyList<VrrpAction> Start() => Step(new VrrpInput.Start());

    /// <summary>Moves the clock and delivers the timer tick a host would deliver.</summary>
    public IReadOnlyList<VrrpAction> Tick(TimeSpan after)
    {
        Time.Advance(after);
        return Step(new VrrpInput.TimerElapsed());
    }

    public IReadOnlyList<VrrpAction> Advert(byte priority, IPAddress? from = null, int intervalMs = 100) =>
        Step(new VrrpInput.AdvertReceived(from ?? Peer, priority, TimeSpan.FromMilliseconds(intervalMs)));

    /// <summary>Starts a non-owner and lets its Master_Down_Timer make it master.</summary>
    public void StartAsMaster()
    {
        Start();
        Tick(Machine.MasterDownInterval);
        Assert.Equal(VrrpState.Master, Machine.State);
    }

    public IReadOnlyList<VrrpAction> EnterMasterActions(VrrpState from, VrrpTransitionCause cause) =>
    [
        new VrrpAction.StateChanged(from, VrrpState.Master, cause),
        new VrrpAction.AddVirtualAddresses([Vip]),
        new VrrpAction.StartGratuitousArp([Vip]),
        new VrrpAction.SendAdvert(Options.Priority),
    ];
}
