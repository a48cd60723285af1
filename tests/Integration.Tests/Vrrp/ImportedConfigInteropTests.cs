using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// Issue 18 §1 end to end: a keepalived pair's own keepalived.conf files, imported with `hadirector import-keepalived`,
/// run HaDirector next to keepalived 2.2.7 running the originals, in namespaces. The migration of
/// docs/migrating-from-keepalived.md step by step (the backup first, paired with the old keepalived master, then the
/// failover, then the other node), and the other pairing (HaDirector master, keepalived backup, takeovers both ways).
/// </summary>
public sealed class ImportedConfigInteropTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");

    private readonly InteropLan _lan = new(Vip);
    private readonly string _dir = Directory.CreateTempSubdirectory("hd-import-").FullName;

    public void Dispose()
    {
        _lan.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The keepalived.conf of a node of the original pair: lb1 the usual master (150), lb2 the backup (100).</summary>
    private static string Original(LanHost host, int version, TimeSpan interval) =>
        KeepalivedPeer.Config(host, 51, Priority(host), version, interval, Vip, "", "");

    private static int Priority(LanHost host) => host.Name == "lb1" ? 150 : 100;

    /// <summary>
    /// Runs the importer on the node's original keepalived.conf as an operator would, checks what it reports (exit 1:
    /// the one omission is vrrp_garp_master_delay) and that check-config accepts the YAML, and returns it.
    /// </summary>
    private string Import(LanHost host, int version, TimeSpan interval)
    {
        var conf = Path.Combine(_dir, host.Name + "-keepalived.conf");
        File.WriteAllText(conf, Original(host, version, interval));
        var output = Path.Combine(_dir, host.Name + ".yaml");

        var import = Shell.Run(Binary.Path, "import-keepalived", conf, "-o", output, "--host", host.Name);
        Assert.True(import.ExitCode == 1, import.ToString());
        var warning = Assert.Single(import.Stderr.Split('\n'), l => l.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.Contains($"{conf}:3: vrrp_garp_master_delay", warning, StringComparison.Ordinal);
        var check = Shell.Run(Binary.Path, "check-config", "--offline", "--config", output);
        Assert.True(check.ExitCode == 0, check + "\n" + File.ReadAllText(output));
        // The node's own socket for the test (several daemons run at once); everything else is the importer's.
        return File.ReadAllText(output) + "\ncontrol: { socket: $DIR/control.sock }\n";
    }

    [Theory]
    [InlineData(2, 1000)]
    [InlineData(3, 100)]
    public void Migration_BackupFirstThenFailoverThenTheOther_OneMasterAtEveryStep(int version, int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var quiet = 4 * interval + TimeSpan.FromSeconds(1);

        // The running keepalived pair.
        var oldMaster = _lan.Add(new KeepalivedPeer(lb1, 51, Priority(lb1), version, interval, Vip)).Process;
        var oldBackup = _lan.Add(new KeepalivedPeer(lb2, 51, Priority(lb2), version, interval, Vip)).Process;
        _lan.WaitSoleMaster(lb1);
        _lan.WaitOutput(oldBackup, "Entering BACKUP STATE");

        // 1-2. The backup's file imported; keepalived stopped there and HaDirector started with the translation:
        // it pairs with the old keepalived master as its backup.
        var lb2Yaml = Import(lb2, version, interval);
        oldBackup.Terminate();
        Assert.True(oldBackup.WaitForExit(TimeSpan.FromSeconds(10)), "keepalived on lb2 did not stop");
        var ours2 = _lan.StartOurs(lb2, lb2Yaml);
        _lan.WaitOutput(ours2.Process, "Initialize -> Backup");
        _lan.HoldsSoleMaster(lb1, quiet);

        // 3. Fail over: keepalived stopped on the master (priority 0); the HaDirector node takes the VIP.
        oldMaster.Terminate();
        _lan.WaitSoleMaster(lb2);
        Assert.Equal(lb2.Mac, WaitRouterMac(lb2.Mac));

        // 4. The other node's file imported and HaDirector started there: with priority 150 it takes the VIP back.
        _lan.StartOurs(lb1, Import(lb1, version, interval));
        _lan.WaitSoleMaster(lb1);
        _lan.HoldsSoleMaster(lb1, quiet);
        Assert.Equal(lb1.Mac, WaitRouterMac(lb1.Mac));
    }

    [Theory]
    [InlineData(2, 1000)]
    [InlineData(3, 100)]
    public void ImportedConfig_MasterWithKeepalivedBackup_OneMasterAndTakeoversBothWays(int version, int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var yaml = Import(lb1, version, interval);

        var ours = _lan.StartOurs(lb1, yaml).Process;
        _lan.WaitSoleMaster(lb1);
        var keepalived = _lan.Add(new KeepalivedPeer(lb2, 51, Priority(lb2), version, interval, Vip)).Process;
        _lan.WaitOutput(keepalived, "Entering BACKUP STATE");
        _lan.HoldsSoleMaster(lb1, 4 * interval + TimeSpan.FromSeconds(1));

        ours.Terminate();
        _lan.WaitSoleMaster(lb2);

        _lan.StartOurs(lb1, yaml);
        _lan.WaitSoleMaster(lb1);
        Assert.Equal(lb1.Mac, WaitRouterMac(lb1.Mac));
    }

    private string? WaitRouterMac(string mac)
    {
        Wait.Until(() => _lan.Lan.RouterNeighbourMac(Vip) == mac, TimeSpan.FromSeconds(20), $"router entry for {Vip} = {mac}", _lan.Diagnostics);
        return _lan.Lan.RouterNeighbourMac(Vip);
    }
}
