using HaDirector.Director.Announce;

namespace HaDirector.Director.Tests.Announce;

/// <summary>A routing daemon the test scripts: each read returns <see cref="Next"/>, throws <see cref="Failure"/>, or (with <see cref="Hang"/>) never ends until cancelled.</summary>
internal sealed class FakeRoutingDaemon : IRoutingDaemonClient
{
    public RoutingDaemonSnapshot Next { get; set; } = RoutingDaemonReading.Nothing;

    public IOException? Failure { get; set; } = new("no routing daemon in this test");

    public bool Hang { get; set; }

    public int Reads { get; private set; }

    public async Task<RoutingDaemonSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        Reads++;
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return Failure is { } failure ? throw failure : Next;
    }
}
