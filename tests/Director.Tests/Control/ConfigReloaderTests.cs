using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;

namespace HaDirector.Director.Tests.Control;

public sealed class ConfigReloaderTests
{
    [Fact]
    public async Task ReloadAsync_FileWithAnError_RunningConfigurationKeptAndNothingTouched()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        var running = director.Running.Current;
        var before = director.Kernel.Effects.Count;
        director.WriteConfig(TestDirector.WebYaml.Replace("weight: 2", "weight: -2"));

        var answer = await director.Reloader.ReloadAsync("test");

        Assert.Equal(ExitCodes.ConfigInvalid, answer.ExitCode);
        Assert.StartsWith($"{director.Running.Path}:", answer.Message);
        Assert.Contains("weight", answer.Message);
        Assert.EndsWith("\n1 error(s): the running configuration is unchanged", answer.Message);
        Assert.Same(running, director.Running.Current);
        Assert.Equal(before, director.Kernel.Effects.Count);
    }

    [Fact]
    public async Task ReloadAsync_InterfaceThatDoesNotExist_RejectedBeforeAnythingChanges()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        var running = director.Running.Current;
        director.WriteConfig(TestDirector.WebYaml.Replace("eth0", "eth9"));

        var answer = await director.Reloader.ReloadAsync("test");

        Assert.Equal(new ControlResponse(ExitCodes.ConfigInvalid,
            $"{director.Running.Path}:4:18: vrrp.instances[0].interface: interface 'eth9' does not exist on this host\nthe running configuration is unchanged"), answer);
        Assert.Same(running, director.Running.Current);
    }

    [Fact]
    public async Task ReloadAsync_VipThatIsTheInterfacesOwnAddress_RejectedNamingTheVip()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        var before = director.Kernel.Effects.Count;
        director.WriteConfig(TestDirector.WebYaml.Replace("[198.18.0.100/32]", "[198.18.0.100/32, 198.18.0.1/32]"));

        var answer = await director.Reloader.ReloadAsync("test");

        Assert.Equal(new ControlResponse(ExitCodes.ConfigInvalid,
            $"{director.Running.Path}:9:43: vrrp.instances[0].virtualAddresses[1]: 198.18.0.1 is already eth0's own address (198.18.0.1/24); "
            + "a VIP must be an address no host has\nthe running configuration is unchanged"), answer);
        Assert.Equal(before, director.Kernel.Effects.Count);
    }

    [Fact]
    public async Task ReloadAsync_VipOutsideEverySubnet_AppliedWithAWarning()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        director.WriteConfig(TestDirector.WebYaml.Replace("[198.18.0.100/32]", "[198.18.0.100/32, 198.19.5.5/32]"));

        var answer = await director.Reloader.ReloadAsync("test");

        Assert.True(answer.ExitCode == ExitCodes.Ok, answer.Message);
        Assert.EndsWith("warning: " + $"{director.Running.Path}:9:43: vrrp.instances[0].virtualAddresses[1]: 198.19.5.5 is outside every subnet of eth0 "
            + "(198.18.0.1/24): neighbours reach it only through a route to it", answer.Message);
    }

    [Fact]
    public async Task ReloadAsync_RestartOnlySectionChangedThenReverted_ListedOnlyWhileItDiffersFromWhatRuns()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        director.WriteConfig(TestDirector.WebYaml + "\nmetrics: { listen: 127.0.0.1:9999 }\n");
        var changed = await director.Reloader.ReloadAsync("test");
        var again = await director.Reloader.ReloadAsync("test");
        director.WriteConfig(TestDirector.WebYaml);

        var reverted = await director.Reloader.ReloadAsync("test");

        Assert.Equal($"{director.Running.Path}: no changes (metrics: differ from what runs; take effect at the next restart)", changed.Message);
        Assert.Equal(changed.Message, again.Message);
        Assert.Equal(new ControlResponse(ExitCodes.Ok, $"{director.Running.Path}: no changes"), reverted);
    }

    [Fact]
    public async Task ReloadAsync_OnlyRealtimePriorityChanged_NamedAsTakingEffectAtTheNextRestart()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        director.WriteConfig(TestDirector.WebYaml.Replace("vrrp:\n", "vrrp:\n  realtimePriority: 20\n", StringComparison.Ordinal));

        var answer = await director.Reloader.ReloadAsync("test");

        Assert.Equal(new ControlResponse(ExitCodes.Ok,
            $"{director.Running.Path}: no changes (vrrp.realtimePriority: differ from what runs; take effect at the next restart)"), answer);
    }

    [Fact]
    public async Task ReloadAsync_OneWeightChanged_OneKernelEditAndTheMasterStaysMaster()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        var instance = director.Instance();
        var before = director.Kernel.Effects.Count;
        director.WriteConfig(TestDirector.WebYaml.Replace("weight: 2", "weight: 5"));

        var answer = await director.Reloader.ReloadAsync("test");

        Assert.Equal(new ControlResponse(ExitCodes.Ok, $"{director.Running.Path}: applied: virtual servers changed: web"), answer);
        Assert.Equal(["ipvs edit real server 198.18.1.1:80 of service 198.18.0.100:80/tcp"], director.Kernel.Effects.Skip(before));
        Assert.Same(instance, director.Instance());
        Assert.Equal(5, director.Running.Current.VirtualServers.Single().RealServers[0].Weight);
    }

    [Fact]
    public async Task ReloadAsync_ListenerAdded_CalledWithTheNewConfiguration()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        var heard = new List<int>();
        director.Reloader.OnApplied(c =>
        {
            heard.Add(c.Vrrp.Instances.Single().Priority);
            return Task.CompletedTask;
        });
        director.WriteConfig(TestDirector.WebYaml.Replace("priority: 150", "priority: 120"));

        var answer = await director.Reloader.ReloadAsync("test");

        Assert.Equal(new ControlResponse(ExitCodes.Ok, $"{director.Running.Path}: applied: VRRP instances changed in place: web"), answer);
        Assert.Equal([120], heard);
    }
}

