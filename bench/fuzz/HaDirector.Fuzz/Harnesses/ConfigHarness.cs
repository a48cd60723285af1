using System.Text;
using HaDirector.Director.Configuration;

namespace HaDirector.Fuzz.Harnesses;

/// <summary>
/// A configuration file through the whole loader (YAML, reader, defaults, validator), offline: the answer is a model or
/// errors with file:line, never an exception. Hostile input comes from whoever can write the file or hand it to
/// `check-config`; `reload` runs the same loader in the daemon.
/// </summary>
internal sealed class ConfigHarness : IHarness
{
    public string Name => "config";

    public IReadOnlyList<string> Assemblies => ["hadirector.dll", "YamlDotNet.dll"];

    public void Run(ReadOnlySpan<byte> data)
    {
        var result = ConfigLoader.LoadFromText(Encoding.UTF8.GetString(data), "fuzz.yaml");
        if (result.Config is null && result.Errors.Count == 0)
        {
            throw new InvalidOperationException("the loader returned neither a configuration nor an error");
        }

        foreach (var error in result.Errors)
        {
            if (error.Line < 1)
            {
                throw new InvalidOperationException($"an error without a line: {error}");
            }
        }
    }
}
