using System.CommandLine;
using HaDirector.Director.Cli;
using HaDirector.Director.Import;

namespace HaDirector.Director.Tests.Cli;

/// <summary><c>hadirector import-keepalived</c>: exit codes, where the YAML goes, and the warnings on stderr.</summary>
public sealed class ImportKeepalivedCommandTests : IDisposable
{
    private const string Conf = """
        global_defs {
            router_id lb1
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
    public void Run_FileWithWarnings_Exit0YamlOnStdoutWarningsOnStderr()
    {
        var path = Write("keepalived.conf", Conf);

        Assert.Equal(0, Run(path));
        Assert.Contains("vrid: 51", _out.ToString(), StringComparison.Ordinal);
        Assert.Contains($"warning: {path}:2: router_id: not carried over", _err.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("warning", _out.ToString().Split('\n').Where(l => !l.StartsWith('#')), StringComparer.Ordinal);
    }

    [Fact]
    public void Run_OutputExists_RefusedWith64UnlessForce()
    {
        var path = Write("keepalived.conf", Conf);
        var output = Write("out.yaml", "keep me");

        Assert.Equal(64, Run(path, output));
        Assert.Equal("keep me", File.ReadAllText(output));
        Assert.Contains("--force", _err.ToString(), StringComparison.Ordinal);

        Assert.Equal(0, Run(path, output, force: true));
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
        Assert.Contains($"error: {path}:12: '{{' opened here is never closed", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_IncludeRelativeToTheFile_FollowedFromAnotherWorkingDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "conf.d"));
        Write("conf.d/vi.conf", Conf);
        var path = Write("keepalived.conf", "include conf.d/*.conf\n");

        Assert.Equal(0, Run(path));
        Assert.Contains($"interface: eth0  # {_dir}/conf.d/vi.conf:5", _out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CommandTable_ImportKeepalived_ParsesItsOptions()
    {
        var parse = CommandTable.Build().Parse(["import-keepalived", "k.conf", "-o", "out.yaml", "--force", "--host", "lb2"]);

        Assert.Empty(parse.Errors);
    }
}
