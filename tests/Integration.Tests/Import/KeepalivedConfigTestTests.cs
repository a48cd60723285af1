using System.Globalization;
using System.Net;
using HaDirector.Director.Import;
using HaDirector.Director.Tests.Import;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Import;

/// <summary>
/// Issue 18 §1: every keepalived.conf the import tests read is valid keepalived — <c>keepalived -t -f FILE</c> (Debian's
/// 2.2.7; keepalived 2.4.3 for a file with <c>auth_hmac</c>, which 2.2.7 does not know) exits 0. Neither is built
/// with track_process, so the one input using it is among the inputs keepalived reports (checked for that message). keepalived's config
/// test needs the interfaces the file names (a throwaway namespace with eth0 and eth1) and every
/// <c>vrrp_script</c>'s program (the samples' /etc/keepalived scripts exist as stubs on a bind mount over
/// /etc/keepalived, in a mount namespace of the test's own); the notify, MISC_CHECK and other scripts it does not
/// look for. The inputs: the realistic samples (Director.Tests/Import/Samples, with their includes), the table-driven
/// inputs of KeepalivedImporterTests (<see cref="KeepalivedImportInputs"/>) and the files the interop test imports.
/// </summary>
public sealed class KeepalivedConfigTestTests : IDisposable
{
    private const string KeepalivedDirectory = "/etc/keepalived";
    private static readonly string Samples = Path.Combine(Binary.RepositoryRoot(), "tests", "Director.Tests", "Import", "Samples");

    private readonly string _ns = "hd" + Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture) + "-ktest";
    private readonly string _dir = Directory.CreateTempSubdirectory("hd-ktest-").FullName;

    public KeepalivedConfigTestTests()
    {
        Shell.Check("ip", "netns", "add", _ns);
        foreach (var ifname in (string[])["eth0", "eth1"])
        {
            LanTopology.Ip(_ns, "link", "add", ifname, "type", "veth", "peer", "name", ifname + "p");
            LanTopology.Ip(_ns, "link", "set", ifname, "up");
        }
    }

    public void Dispose()
    {
        Shell.Run("ip", "netns", "del", _ns);
        Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<string> SampleNames() =>
        [.. Directory.GetDirectories(Samples).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void KeepalivedTest_Sample_Accepted(string sample) =>
        AssertAccepted(Path.Combine(Samples, sample, "keepalived.conf"));

    public static TheoryData<string> TableInputNames() => [.. KeepalivedImportInputs.All().Keys];

    [Theory]
    [MemberData(nameof(TableInputNames))]
    public void KeepalivedTest_ImporterTestInput_Accepted(string name) =>
        AssertAccepted(Write(name, KeepalivedImportInputs.All()[name]));

    public static TheoryData<string> RejectedInputNames() => [.. KeepalivedImportInputs.RejectedByKeepalived().Keys];

    /// <summary>The few inputs kept although keepalived -t reports them (keepalived runs them its own way, which the importer follows).</summary>
    [Theory]
    [MemberData(nameof(RejectedInputNames))]
    public void KeepalivedTest_InputKeptForWhatKeepalivedDoesWithIt_RejectedWithItsMessage(string name)
    {
        var (text, message) = KeepalivedImportInputs.RejectedByKeepalived()[name];

        var result = Test(Write(name, text));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 1000)]
    [InlineData(3, 100)]
    public void KeepalivedTest_InteropConfig_Accepted(int version, int intervalMs)
    {
        using var lan = new LanTopology("lb1", "lb2");
        foreach (var host in lan.Hosts.Values)
        {
            AssertAccepted(Write(host.Name + ".conf", KeepalivedPeer.Config(host, 51, host.Name == "lb1" ? 150 : 100, version,
                TimeSpan.FromMilliseconds(intervalMs), IPAddress.Parse("198.18.0.100"), "", "")));
        }
    }

    /// <summary>The check can fail: keepalived takes no address range in virtual_ipaddress (only in a virtual_server_group).</summary>
    [Fact]
    public void KeepalivedTest_RangeInVirtualIpaddress_Rejected()
    {
        var path = Write("range.conf", "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  198.18.0.20-21\n }\n}\n");

        var result = Test(path);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("invalid IP 198.18.0.20-21", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + (name.EndsWith(".conf", StringComparison.Ordinal) ? "" : ".conf"));
        File.WriteAllText(path, text);
        return path;
    }

    private void AssertAccepted(string path)
    {
        var result = Test(path);
        Assert.True(result.ExitCode == 0, $"keepalived -t rejects {path} (exit {result.ExitCode}):\n{result.Stdout}{result.Stderr}\n---\n{File.ReadAllText(path)}");
    }

    private ShellResult Test(string path)
    {
        var keepalived = File.ReadAllText(path).Contains("auth_hmac", StringComparison.Ordinal) ? Keepalived24Peer.Binary : "keepalived";
        var stubs = Stubs(path);
        // ip netns exec gives the command a mount namespace of its own; unshare -m makes sure the bind mount stays in it.
        return Shell.RunWithTimeout(TimeSpan.FromSeconds(60), "ip", "netns", "exec", _ns, "unshare", "-m", "--propagation", "private", "sh", "-c",
            "mount --bind \"$1\" " + KeepalivedDirectory + " && exec \"$2\" -t -f \"$3\"", "sh", stubs, keepalived, path);
    }

    /// <summary>
    /// A directory to mount over /etc/keepalived holding an executable stub for every vrrp_script program the file
    /// (with its includes) names there: keepalived -t disables (and counts as an error) a script it cannot find.
    /// </summary>
    private string Stubs(string path)
    {
        var stubs = Path.Combine(_dir, "etc-keepalived-" + Path.GetFileNameWithoutExtension(path));
        Directory.CreateDirectory(stubs);
        var read = KeepalivedReader.Read(path, new FileSystemIncludeResolver(), "lb1");
        foreach (var script in read.Nodes.Where(n => n.Keyword == "vrrp_script").SelectMany(n => n.Children ?? []).Where(c => c.Keyword == "script"))
        {
            var program = script.Arg(0)?.Split(' ')[0] ?? "";
            if (program.StartsWith(KeepalivedDirectory + "/", StringComparison.Ordinal))
            {
                var stub = Path.Combine(stubs, program[(KeepalivedDirectory.Length + 1)..]);
                Directory.CreateDirectory(Path.GetDirectoryName(stub)!);
                File.WriteAllText(stub, "#!/bin/sh\nexit 0\n");
                Shell.Check("chmod", "0755", stub); // root's, not writable by others: keepalived's script security
            }
        }
        Shell.Check("chmod", "0755", stubs);
        return stubs;
    }
}
