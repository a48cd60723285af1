using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Cli;

/// <summary>What an operator sees from `hadirector check-config` and `hadirector run` on a broken file.</summary>
public sealed class ConfigErrorCliTests : IDisposable
{
    private const string Broken = """
        vrrp:
          instances:
            - name: web
              interface: eth0
              vrid: 300
              priority: 150
              advertInterval: fast
              virtualAddresses: [198.18.0.100/32]
              preemt: true
        virtualServers:
          - name: web
            vip: 198.18.0.200
            port: 80
            scheduler: wlcx
            realServers:
              - { address: 198.18.0.20, weight: 70000 }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("hd-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void CheckConfig_BrokenFile_ListsEveryErrorWithLineAndFieldAndExits2()
    {
        var path = Write("broken.yaml", Broken);

        var result = Shell.Run(Binary.Path, "check-config", "--config", path);

        Assert.Equal(2, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith($"{path}:5:", StringComparison.Ordinal) && l.Contains("vrrp.instances[0].vrid", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{path}:7:", StringComparison.Ordinal) && l.Contains("vrrp.instances[0].advertInterval", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{path}:9:", StringComparison.Ordinal) && l.Contains("did you mean 'preempt'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{path}:12:", StringComparison.Ordinal) && l.Contains("virtualServers[0].vip", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{path}:14:", StringComparison.Ordinal) && l.Contains("virtualServers[0].scheduler", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{path}:16:", StringComparison.Ordinal) && l.Contains("virtualServers[0].realServers[0].weight", StringComparison.Ordinal));
        Assert.Equal("6 error(s)", lines[^1]);
    }

    [Fact]
    public void CheckConfigOffline_ValidFileWithAdvice_PrintsTheWarningWithItsLineAndIsOk()
    {
        var path = Write("ecmp.yaml", """
            announce:
              vips: [{ address: 198.18.10.80 }]
            virtualServers:
              - name: web
                vip: 198.18.10.80
                port: 80
                scheduler: mh
                realServers:
                  - { address: 198.18.20.1, onFailure: remove }
            """);

        var result = Shell.Run(Binary.Path, "check-config", "--offline", "--config", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"warning: {path}:9:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("virtualServers[0].realServers[0].onFailure: 198.18.10.80 is announced", result.Stderr, StringComparison.Ordinal);
        Assert.Equal($"{path}: OK (0 VRRP instance(s), 1 virtual server(s))", result.Stdout.Trim());
    }

    [Fact]
    public void Run_BrokenFile_ExitsNonZeroWithTheSameList()
    {
        var path = Write("broken.yaml", Broken);

        var check = Shell.Run(Binary.Path, "check-config", "--config", path);
        var run = Shell.Run(Binary.Path, "run", "--config", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(check.Stderr, run.Stderr);
    }

    [Fact]
    public void CheckConfig_SeedExamples_AreValid()
    {
        var examples = Path.Combine(Binary.RepositoryRoot(), "deploy", "examples");
        foreach (var file in new[] { "lb1.yaml", "lb2.yaml" })
        {
            var result = Shell.Run(Binary.Path, "check-config", "--offline", "--config", Path.Combine(examples, file));
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Contains("OK", result.Stdout, StringComparison.Ordinal);
        }
    }
}
