using HaDirector.Director.Hosting;
using Microsoft.Extensions.Hosting;

namespace HaDirector.Director.Tests.Hosting;

/// <summary>
/// The daemon starts its trackers and VRRP instances itself, before the host makes the rest, and the host then "starts"
/// them again in its own order: they must start once, in order, and stop in reverse when the host stops.
/// </summary>
public sealed class StartFirstTests
{
    [Fact]
    public async Task StartAsync_EarlyThenByTheHost_StartsEachOnceInOrder()
    {
        var calls = new List<string>();
        var first = new StartFirst(new Recording("tracking", calls), new Recording("vrrp", calls));

        await first.StartAsync(CancellationToken.None);
        await first.StartAsync(CancellationToken.None);

        Assert.Equal(["start tracking", "start vrrp"], calls);
    }

    [Fact]
    public async Task StopAsync_Started_StopsInReverseOrder()
    {
        var calls = new List<string>();
        var first = new StartFirst(new Recording("tracking", calls), new Recording("vrrp", calls));
        await first.StartAsync(CancellationToken.None);
        calls.Clear();

        await first.StopAsync(CancellationToken.None);

        Assert.Equal(["stop vrrp", "stop tracking"], calls);
    }

    [Fact]
    public async Task StopAsync_NeverStarted_StopsNothing()
    {
        var calls = new List<string>();
        var first = new StartFirst(new Recording("tracking", calls), new Recording("vrrp", calls));

        await first.StopAsync(CancellationToken.None);

        Assert.Empty(calls);
    }

    [Fact]
    public async Task StartAsync_FirstFails_LaterNotStartedAndEveryCallerSeesTheError()
    {
        var calls = new List<string>();
        var first = new StartFirst(new Recording("tracking", calls, fail: true), new Recording("vrrp", calls));

        var early = await Assert.ThrowsAsync<InvalidOperationException>(() => first.StartAsync(CancellationToken.None));
        var byHost = await Assert.ThrowsAsync<InvalidOperationException>(() => first.StartAsync(CancellationToken.None));

        Assert.Equal("tracking failed", early.Message);
        Assert.Same(early, byHost);
        Assert.Equal(["start tracking"], calls);
    }

    private sealed class Recording(string name, List<string> calls, bool fail = false) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            calls.Add("start " + name);
            return fail ? throw new InvalidOperationException(name + " failed") : Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            calls.Add("stop " + name);
            return Task.CompletedTask;
        }
    }
}
