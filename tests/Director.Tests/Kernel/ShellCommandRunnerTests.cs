using System.Diagnostics;
using HaDirector.Director.Kernel;

namespace HaDirector.Director.Tests.Kernel;

public sealed class ShellCommandRunnerTests
{
    private readonly ShellCommandRunner _runner = new();

    [Theory]
    [InlineData("true", 0)]
    [InlineData("exit 3", 3)]
    [InlineData("pidof no-such-process-hadirector", 1)]
    public async Task RunAsync_Command_ExitCodeAsTheShellGivesIt(string command, int exit)
    {
        var result = await _runner.RunAsync(command, [], TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(exit, result.ExitCode);
        Assert.Equal(exit == 0, result.Succeeded);
    }

    [Fact]
    public async Task RunAsync_Arguments_PassedAsPositionalParameters()
    {
        var file = Path.Combine(Path.GetTempPath(), $"hadirector-notify-{Guid.NewGuid():N}");
        try
        {
            var result = await _runner.RunAsync($"printf '%s|' >{file}", ["INSTANCE", "web 4", "MASTER", "150"], TimeSpan.FromSeconds(10), CancellationToken.None);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal("INSTANCE|web 4|MASTER|150|", await File.ReadAllTextAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RunAsync_Timeout_KilledAndReportedAsFailure()
    {
        var clock = Stopwatch.StartNew();

        var result = await _runner.RunAsync("sleep 30", [], TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Null(result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.StartsWith("timed out after 200 ms", result.Error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}
