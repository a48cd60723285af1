using HaDirector.Director.Cli;

namespace HaDirector.Director.Tests.Cli;

public sealed class ControlTargetTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"control-target-{Guid.NewGuid():N}.yaml");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void Resolve_FileWithErrorsElsewhere_TakesItsSocket()
    {
        File.WriteAllText(_file, "vrrp:\n  instances: web\ncontrol: { socket: /run/test/hd.sock }\n");

        Assert.Equal("/run/test/hd.sock", ControlTarget.Resolve(null, _file, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Resolve_FileWithErrorsAndNoControlSection_TakesTheDefaultSocket()
    {
        File.WriteAllText(_file, "vrrp:\n  instances: web\n");

        Assert.Equal("/run/hadirector/control.sock", ControlTarget.Resolve(null, _file, out _));
    }

    [Fact]
    public void Resolve_InvalidYaml_ReportsTheFileErrors()
    {
        File.WriteAllText(_file, "control: { socket: /run/test/hd.sock\n");

        Assert.Null(ControlTarget.Resolve(null, _file, out var error));
        Assert.StartsWith($"{_file}: cannot read control.socket from it:\n{_file}:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_SocketOption_WinsWithoutReadingTheFile()
    {
        Assert.Equal("/tmp/given.sock", ControlTarget.Resolve("/tmp/given.sock", "/nonexistent.yaml", out _));
    }
}
