using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HaDirector.Director.Configuration;

/// <summary>Reads, checks and defaults a configuration file, reporting every problem with its line and field.</summary>
public static class ConfigLoader
{
    public static ConfigLoadResult Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var diagnostics = new ConfigDiagnostics(path);
            diagnostics.Report("", new Mark(0, 1, 1), $"cannot read the file: {e.Message}");
            return new ConfigLoadResult(null, diagnostics.Errors, diagnostics.Sources);
        }

        return LoadFromText(text, path);
    }

    /// <param name="fileName">Only used in the errors.</param>
    public static ConfigLoadResult LoadFromText(string text, string fileName)
    {
        // The fast reader takes the plain files configurations are; a file it declines, or one with any
        // error, is read again through YamlDotNet, whose marks and messages the errors are made of.
        if (FastYaml.TryParse(text) is { } fastRoot)
        {
            var fast = Read(fastRoot, fileName);
            if (fast.Succeeded)
            {
                return fast;
            }
        }

        var diagnostics = new ConfigDiagnostics(fileName);
        var root = Parse(text, fileName, diagnostics);
        return root is null
            ? new ConfigLoadResult(null, diagnostics.Errors, diagnostics.Sources)
            : Read(ConfigNode.From(root), fileName);
    }

    private static ConfigLoadResult Read(ConfigNode root, string fileName)
    {
        var diagnostics = new ConfigDiagnostics(fileName);
        diagnostics.Sources.SetRoot(root);
        var config = new ConfigReader(diagnostics).Read(root);
        ConfigValidator.Validate(config, diagnostics);
        return diagnostics.HasErrors
            ? new ConfigLoadResult(null, diagnostics.Errors, diagnostics.Sources)
            : new ConfigLoadResult(config, [], diagnostics.Sources);
    }

    private static YamlNode? Parse(string text, string fileName, ConfigDiagnostics diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            diagnostics.Report("", e.Start, $"invalid YAML: {e.Message}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 16.3 throws this, without a mark, for an unclosed flow list followed by more keys.
            diagnostics.Report("", parser.Current?.Start ?? Mark.Empty, "invalid YAML: an unclosed [ or { list");
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            diagnostics.Report("", new Mark(0, 1, 1), $"{fileName} is empty; it needs at least a 'vrrp' section");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            // A second '---' document is almost always a paste mistake; silently ignoring it would hide half a config.
            diagnostics.Report("", stream.Documents[1].RootNode.Start, "invalid YAML: expected one document, found a second one");
            return null;
        }

        return stream.Documents[0].RootNode;
    }
}
