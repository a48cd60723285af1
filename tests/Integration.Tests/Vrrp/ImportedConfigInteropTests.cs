using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// Issue 18 §1 end to end: the keepalived.conf the interop tests give keepalived, imported with
/// `hadirector import-keepalived`, runs HaDirector against keepalived 2.2.7 in namespaces — one master, takeovers
/// both ways — as a migration would pair a new HaDirector node with the remaining keepalived node.
/// </summary>
public sealed class ImportedConfigInteropTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly InteropLan _lan = new(Vip);
    private readonly string _dir = Directory.CreateTempSubdirectory("hd-import-").FullName;

    public void Dispose()
    {
        _lan.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(2, 1000)]
    [InlineData(3, 100)]
    public void ImportedConfig_PairsWithKeepalived_OneMasterAndTakeoversBothWays(int version, int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var keepalivedConf = Path.Combine(_dir, "keepalived.conf");
        File.WriteAllText(keepalivedConf, KeepalivedPeer.Config(lb1, 51, 150, version, interval, Vip, "", ""));
        var output = Path.Combine(_dir, "hadirector.yaml");

        var import = Shell.Run(Binary.Path, "import-keepalived", keepalivedConf, "-o", output);
        Assert.True(import.ExitCode == 0, import.ToString());
        // The node's own socket for the test (several daemons run at once); everything else is the importer's.
        var yaml = File.ReadAllText(output) + "\ncontrol: { socket: $DIR/control.sock }\n";
        var check = Shell.Run(Binary.Path, "check-config", "--offline", "--config", output);
        Assert.True(check.ExitCode == 0, check + "\n" + yaml);

        var ours = _lan.StartOurs(lb1, yaml).Process;
        _lan.WaitSoleMaster(lb1);
        var keepalived = _lan.Add(new KeepalivedPeer(lb2, 51, 100, version, interval, Vip)).Process;
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
