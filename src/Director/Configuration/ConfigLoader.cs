using YamlDotNet.Core;

namespace HaDirector.Director.Configuration;

/// <summary>Reads, checks and defaults a configuration file, reporting every problem with its line and field.</summary>
public static class ConfigLoader
{
    public static ConfigLoadResult Load(string path)
    {
        if (Directory.Exists(path))
        {
            // Otherwise .NET says "Access to the path is denied", which sends the operator after permissions.
            var diagnostics = new ConfigDiagnostics(path);
            diagnostics.Report("", new Mark(0, 1, 1), "is a directory, not a configuration file (give the YAML file, e.g. /etc/hadirector/hadirector.yaml)");
            return diagnostics.Result(null);
        }

        try
        {
            return LoadFromText(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var diagnostics = new ConfigDiagnostics(path);
            diagnostics.Report("", new Mark(0, 1, 1), $"cannot read the file: {e.Message}");
            return diagnostics.Result(null);
        }
    }

    /// <param name="fileName">Only used in the errors.</param>
    public static ConfigLoadResult LoadFromText(string text, string fileName) => LoadFromText(text, fileName, ConfigYaml.ParserThreadFrom);

    /// <param name="parserThreadFrom">The size from which YAML is parsed on a thread of its own (tests: 0, always).</param>
    internal static ConfigLoadResult LoadFromText(string text, string fileName, int parserThreadFrom)
    {
        var diagnostics = new ConfigDiagnostics(fileName);
        var reader = new ConfigReader(diagnostics);
        ConfigNode? root;
        try
        {
            root = ConfigYaml.Parse(text, ConfigReader.VirtualServersKey, reader.ReadVirtualServerEarly, parserThreadFrom);
        }
        catch (YamlException e)
        {
            // What the early reads found is not reported: a file that is not YAML gets the one YAML error.
            diagnostics = new ConfigDiagnostics(fileName);
            diagnostics.Report("", e.Start, $"invalid YAML: {e.Message}");
            return diagnostics.Result(null);
        }

        if (root is not { } node)
        {
            diagnostics.Report("", new Mark(0, 1, 1), $"{fileName} is empty; it needs at least a 'vrrp' section");
            return diagnostics.Result(null);
        }

        diagnostics.Sources.SetRoot(node);
        var config = reader.Read(node);
        ConfigValidator.Validate(config, diagnostics);
        return diagnostics.Result(config);
    }
}
