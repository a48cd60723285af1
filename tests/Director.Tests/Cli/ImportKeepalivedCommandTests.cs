using System.CommandLine;
using HaDirector.Director.Cli;
using HaDirector.Director.Import;

namespace HaDirector.Director.Tests.Cli;

/// <summary>
/// <c>hadirector import-keepalived</c>: exit codes (0 complete, 1 with listed omissions, 2 unusable, 64 a command line
/// it cannot act on), where the YAML goes, and the warnings on stderr.
/// </summary>
public sealed class ImportKeepalivedCommandTests : IDisposable
{
    private const string Conf = """
        global_defs {
            router_id lb1
            vrrp_garp_master_delay 5
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 150
            virtual_ipaddress {
                198.18.0.10
            }
        }

        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("hd-import-").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _out.Dispose();
        _err.Dispose();
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private int Run(string file, string? output = null, bool force = false) =>
        ImportKeepalivedCommand.Run(file, output, force, "lb1", new FileSystemIncludeResolver(), _out, _err);

    [Fact]
    public void Run_FileWithAnOmission_Exit1YamlOnStdoutWarningsOnStderr()
    {
        var path = Write("keepalived.conf", Conf);

        Assert.Equal(1, Run(path));
        Assert.Contains("vrid: 51", _out.ToString(), StringComparison.Ordinal);
        Assert.Contains($"warning: {path}:3: vrrp_garp_master_delay: not carried over", _err.ToString(), StringComparison.Ordinal);
        Assert.Contains($"{path}: imported with 1 omission(s)", _err.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("warning", _out.ToString().Split('\n').Where(l => !l.StartsWith('#')), StringComparer.Ordinal);
    }

    [Fact]
    public void Run_EverythingCarriedOver_Exit0AndNoWarning()
    {
        // router_id and state change nothing HaDirector does: explained in the YAML, not listed.
        var path = Write("keepalived.conf", Conf.Replace("    vrrp_garp_master_delay 5\n", "", StringComparison.Ordinal)
            .Replace("interface eth0", "state MASTER\n    interface eth0", StringComparison.Ordinal));

        Assert.Equal(0, Run(path));
        Assert.DoesNotContain("warning:", _err.ToString(), StringComparison.Ordinal);
        Assert.Contains($"{path}: imported completely", _err.ToString(), StringComparison.Ordinal);
        Assert.Contains($"# router_id ({path}:2): not carried over", _out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_OutputCannotBeWritten_Exit2AndSaysWhy()
    {
        var path = Write("keepalived.conf", Conf);
        var output = Path.Combine(_dir, "no-such-dir", "out.yaml");

        Assert.Equal(2, Run(path, output));
        Assert.Contains($"error: cannot write {output}", _err.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Run_OutputExists_RefusedWith64UnlessForce()
    {
        var path = Write("keepalived.conf", Conf);
        var output = Write("out.yaml", "keep me");

        Assert.Equal(64, Run(path, output));
        Assert.Equal("keep me", File.ReadAllText(output));
        Assert.Contains("--force", _err.ToString(), StringComparison.Ordinal);

        Assert.Equal(1, Run(path, output, force: true));
        Assert.Contains("vrid: 51", File.ReadAllText(output), StringComparison.Ordinal);
        Assert.Equal("", _out.ToString());
    }

    [Fact]
    public void Run_MissingFile_Exit64NamingIt()
    {
        var path = Path.Combine(_dir, "none.conf");

        Assert.Equal(64, Run(path));
        Assert.Equal($"hadirector: cannot read {path}", _err.ToString().Trim());
    }

    [Fact]
    public void Run_UnbalancedBrace_Exit2WithFileAndLineAndNoYaml()
    {
        var path = Write("keepalived.conf", Conf + "vrrp_instance VI_2 {\n  interface eth0\n");

        Assert.Equal(2, Run(path));
        Assert.Equal("", _out.ToString());
        Assert.Contains($"error: {path}:13: '{{' opened here is never closed", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_IncludeRelativeToTheFile_FollowedFromAnotherWorkingDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "conf.d"));
        Write("conf.d/vi.conf", Conf);
        var path = Write("keepalived.conf", "include conf.d/*.conf\n");

        Assert.Equal(1, Run(path));
        Assert.Contains($"interface: eth0  # {_dir}/conf.d/vi.conf:6", _out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CommandTable_ImportKeepalived_ParsesItsOptions()
    {
        var parse = CommandTable.Build().Parse(["import-keepalived", "k.conf", "-o", "out.yaml", "--force", "--host", "lb2"]);

        Assert.Empty(parse.Errors);
    }
}
