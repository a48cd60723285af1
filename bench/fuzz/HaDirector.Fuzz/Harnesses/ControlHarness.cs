using HaDirector.Director.Control;
using HaDirector.Director.Ipvs;

namespace HaDirector.Fuzz.Harnesses;

/// <summary>
/// A control-socket request as ControlServer reads it (one JSON object, at most 64 KiB) and the one field the handler
/// parses further, a drain target. The handler's verbs act on a running daemon and are out of scope here.
/// </summary>
internal sealed class ControlHarness : IHarness
{
    private const int MaxRequestBytes = 64 * 1024;

    public string Name => "control";

    public IReadOnlyList<string> Assemblies => ["hadirector.dll"];

    public void Run(ReadOnlySpan<byte> data)
    {
        var request = ControlServer.ParseRequest(data.Length > MaxRequestBytes ? data[..MaxRequestBytes] : data);
        if (request?.Target is { } target && DrainTarget.TryParse(target, out var parsed) && parsed is null)
        {
            throw new InvalidOperationException($"drain target '{target}' parsed to nothing");
        }
    }
}
