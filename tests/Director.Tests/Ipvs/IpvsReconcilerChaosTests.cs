using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static HaDirector.Director.Tests.Ipvs.TestConfigs;

namespace HaDirector.Director.Tests.Ipvs;

/// <summary>
/// Issue 17 §4: kernel errors in the middle of passes, injected through the kernel seam — an edit refused with EBUSY,
/// ENOMEM, ENOENT, ESRCH or EEXIST, a dump that fails, a reply cut short — while someone edits the table by hand.
/// Each pass survives, every failure is counted, another tool's service is never touched, and the first calm pass
/// leaves exactly the configured table.
/// </summary>
public sealed class IpvsReconcilerChaosTests
{
    private static readonly int[] Errnos = [Errno.EBUSY, Errno.ENOMEM, Errno.ENOENT, Errno.ESRCH, Errno.EEXIST];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Passes_KernelErrorsAndHandEditsThenCalm_ConvergeCountedForeignUntouched(int seed)
    {
        var random = new Random(seed);
        var kernel = new FakeIpvsKernel();
        var time = new FakeTimeProvider();
        VirtualServerConfig[] services = [Web(80), Web(443), Web(8080)];
        var foreign = KernelService.Of(IpvsService.ForAddress(IPAddress.Parse("198.18.0.99"), 25), [IpvsDestination.Create(IPAddress.Parse("198.18.1.9"), 25)]);
        kernel.Load(new KernelTable([foreign]));
        var chaos = true;
        var injected = 0;
        kernel.FailWhen = _ =>
        {
            if (!chaos || random.Next(3) != 0)
            {
                return null;
            }

            injected++;
            return Errnos[random.Next(Errnos.Length)];
        };
        await using var reconciler = new IpvsReconciler(
            kernel, Config(new IpvsConfig { ReconcilePeriod = TimeSpan.FromSeconds(30) }, services), time, NullLogger<IpvsReconciler>.Instance);
        await reconciler.AdoptAsync();
        await reconciler.ActivateAsync();

        for (var pass = 0; pass < 30; pass++)
        {
            kernel.FailDumps = random.Next(6) == 0;
            kernel.ThrowOnExecute = random.Next(8) == 0 ? new InvalidDataException("netlink message length 96 is more than the 40 bytes left (a reply cut short)") : null;
            var victim = KeyOf(services[random.Next(services.Length)]);
            if (random.Next(3) == 0 && kernel.Snapshot().Services.Any(s => s.Key == victim))
            {
                kernel.EditByHand(victim, d => [.. d.Skip(1).Select(x => x with { Weight = (uint)random.Next(0, 100) })]);
            }

            await reconciler.ReconcileAsync();

            Assert.Equal(IpvsRole.Active, reconciler.Status.Role);
            Assert.Equal(foreign.Destinations, kernel.Snapshot().Services.Single(s => s.Key == foreign.Key).Destinations);
        }

        chaos = false;
        kernel.FailDumps = false;
        kernel.ThrowOnExecute = null;
        await reconciler.ReconcileAsync();

        var desired = DesiredTable.Build(services);
        Assert.True(IpvsPlanner.Plan(desired, kernel.Snapshot(), desired.Keys.ToHashSet()).IsEmpty, "the first calm pass left a half-done table");
        Assert.Equal(desired.Keys.Append(foreign.Key).ToHashSet(), kernel.Snapshot().Services.Select(s => s.Key).ToHashSet());
        Assert.True(injected > 0 && reconciler.Status.FailedPasses > 0, $"injected {injected}, failed passes {reconciler.Status.FailedPasses}");
        Assert.True(reconciler.Status.TotalFailedOperations > 0 && reconciler.Status.TotalFailedOperations <= injected + (30 * 12),
            $"{reconciler.Status.TotalFailedOperations} failed operations counted for {injected} injected");
        Assert.Equal(0, reconciler.Status.LastFailedOperations);
    }
}
