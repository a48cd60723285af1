using System.Text;
using HaDirector.Director.Configuration;
using HaDirector.Director.Import;

namespace HaDirector.Fuzz.Harnesses;

/// <summary>
/// A keepalived.conf through the importer (reader, translation) and its YAML through the loader: the answer is a YAML
/// file or errors naming a line, never an exception; hostile input is whatever an operator hands `import-keepalived`.
/// The file's includes resolve to nothing but itself (an include cycle is the reader's to catch).
/// </summary>
internal sealed class KeepalivedConfHarness : IHarness
{
    private const string Path = "/fuzz/keepalived.conf";

    public string Name => "keepalived-conf";

    public IReadOnlyList<string> Assemblies => ["hadirector.dll", "YamlDotNet.dll"];

    public void Run(ReadOnlySpan<byte> data)
    {
        var read = KeepalivedReader.Read(Path, new SingleFile(Encoding.UTF8.GetString(data)), "lb1");
        var result = KeepalivedImporter.Import(read, Path);
        if (result.Yaml is null && result.Errors.Count == 0)
        {
            throw new InvalidOperationException("the importer returned neither YAML nor an error");
        }

        if (result.Yaml is { } yaml)
        {
            // Errors are allowed (a keepalived.conf can say things HaDirector refuses); an exception is not.
            _ = ConfigLoader.LoadFromText(yaml, "imported.yaml");
        }
    }

    private sealed class SingleFile(string text) : IIncludeResolver
    {
        public string? ReadText(string path) => path == Path ? text : null;

        public IReadOnlyList<string> Glob(string pattern) => pattern == Path ? [Path] : [];
    }
}
