using System.Text.Json;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;

namespace HaDirector.Director.Tests.Control;

/// <summary>Status shows base and effective priority, each tracker with state and weight, why Fault, and the sync group.</summary>
public sealed class StatusTrackingTests
{
    private const string Garp = "      garp: { repeat: 2, interval: 100ms, refresh: 0s }\n";

    private static readonly string Yaml = TestDirector.WebYaml
        .Replace(Garp, Garp + "      track: [{ tracker: proxy, weight: -60 }, { tracker: uplink }]\n", StringComparison.Ordinal)
        .Replace("virtualServers:", """
              trackers:
                - { name: proxy, type: script, command: check, interval: 1s }
                - { name: uplink, type: interface, interface: eth1 }
            virtualServers:
            """, StringComparison.Ordinal);

    [Fact]
    public async Task BuildAsync_TrackersFailing_ShowsEffectivePriorityTrackersAndFaultReason()
    {
        await using var director = new TestDirector(Yaml, k => k.AddInterface("eth1", "198.18.2.1/24"));
        await director.StartAsync();
        await TestDirector.WaitUntilAsync(() => director.Kernel.Watches == 2, "both link watches");
        director.Scripts.ExitWith("check", 1);
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.Options.Priority == 90, "priority 90");
        director.Kernel.SetLink("eth1", up: false);
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == HaDirector.Vrrp.Election.VrrpState.Fault, "Fault");

        var report = await director.Status.BuildAsync(CancellationToken.None);

        var web = Assert.Single(report.Instances);
        Assert.Equal(150, web.Priority);
        Assert.Equal(90, web.EffectivePriority);
        Assert.Equal(
            [("proxy", "script", "failing", (int?)-60), ("uplink", "interface", "failing", null)],
            web.Trackers.Select(t => (t.Tracker, t.Type, t.State, t.Weight)));
        Assert.Equal("tracker(s) failing: uplink", web.FaultReason);
        Assert.Contains("  web: priority 150 -> 90; track proxy failing (weight -60), uplink failing (fault); FAULT: tracker(s) failing: uplink",
            StatusFormatter.Format(report, director.Time.GetUtcNow()), StringComparison.Ordinal);
        var json = JsonSerializer.Serialize(report, ControlJsonContext.Default.StatusReport);
        Assert.Contains("\"effectivePriority\":90", json, StringComparison.Ordinal);
    }
}
