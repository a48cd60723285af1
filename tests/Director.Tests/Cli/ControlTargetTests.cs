using HaDirector.Director.Cli;
using HaDirector.Director.Control;

namespace HaDirector.Director.Tests.Cli;

public sealed class ControlTargetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("control-target-").FullName;

    private string ConfigFile => Path.Combine(_dir, "hadirector.yaml");

    private string Runtime => Path.Combine(_dir, "run");

    private string DefaultSocket => Path.Combine(_dir, "default.sock");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string? Resolve(string? socket, string? config, out string? error) =>
        ControlTarget.Resolve(socket, config, out error, Runtime, DefaultSocket);

    [Fact]
    public void Resolve_FileWithErrorsElsewhere_TakesItsSocket()
    {
        File.WriteAllText(ConfigFile, "vrrp:\n  instances: web\ncontrol: { socket: /run/test/hd.sock }\n");

        Assert.Equal("/run/test/hd.sock", Resolve(null, ConfigFile, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Resolve_FileWithErrorsAndNoControlSection_TakesTheDefaultSocket()
    {
        File.WriteAllText(ConfigFile, "vrrp:\n  instances: web\n");

        Assert.Equal(DefaultSocket, Resolve(null, ConfigFile, out _));
    }

    [Fact]
    public void Resolve_InvalidYaml_ReportsTheFileErrors()
    {
        File.WriteAllText(ConfigFile, "control: { socket: /run/test/hd.sock\n");

        Assert.Null(Resolve(null, ConfigFile, out var error));
        Assert.StartsWith($"no hadirector runs {ConfigFile} (no record in {Runtime}), {DefaultSocket} does not exist, and the file names no control.socket:\n{ConfigFile}:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_SocketOption_WinsWithoutReadingTheFile()
    {
        Assert.Equal("/tmp/given.sock", Resolve("/tmp/given.sock", "/nonexistent.yaml", out _));
    }

    [Fact]
    public void Resolve_RunningDaemonRecorded_TakesItsSocketWhateverTheFileSays()
    {
        File.WriteAllText(ConfigFile, "control: { socket: /run/edited/new.sock\n");
        var running = Path.Combine(_dir, "running.sock");
        File.WriteAllText(running, "");
        DaemonRecord.Write(ConfigFile, running, Runtime);

        Assert.Equal(running, Resolve(null, ConfigFile, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Resolve_BrokenFileAndTheDefaultSocketThere_TakesTheDefaultSocket()
    {
        File.WriteAllText(ConfigFile, "control: { socket: /run/edited/new.sock\n");
        File.WriteAllText(DefaultSocket, "");

        Assert.Equal(DefaultSocket, Resolve(null, ConfigFile, out _));
    }

    [Fact]
    public void Resolve_Directory_SaysItIsOne()
    {
        Assert.Null(Resolve(null, _dir, out var error));
        Assert.Equal($"--config {_dir} is a directory; give the daemon's configuration file", error);
    }
}
