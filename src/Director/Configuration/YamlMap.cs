using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HaDirector.Director.Configuration;

/// <summary>
/// One YAML mapping of the file, read key by key at the node level so every value keeps its mark.
/// Opening it reports unknown keys; each typed read reports a wrong or out-of-range value and returns
/// the fallback instead, so reading always continues and every error of the file is found.
/// </summary>
internal sealed class YamlMap
{
    private readonly Dictionary<string, YamlNode> values = new(StringComparer.Ordinal);
    private readonly ConfigDiagnostics diagnostics;

    private YamlMap(YamlMappingNode node, string path, ConfigDiagnostics diagnostics, IReadOnlyList<string> keys)
    {
        this.diagnostics = diagnostics;
        Path = path;
        Start = node.Start;
        diagnostics.Record(path, node.Start);
        foreach (var (keyNode, value) in node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var keyPath = FieldPath.Child(path, key);
            if (!keys.Contains(key))
            {
                var closest = ClosestName.Find(key, keys);
                var hint = closest is null ? "; valid keys" : $"; did you mean '{closest}'? Valid keys";
                diagnostics.Report(keyPath, keyNode.Start, $"unknown key '{key}'{hint}: {string.Join(", ", keys)}");
                continue;
            }

            diagnostics.Record(keyPath, value.Start);
            values[key] = value;
        }
    }

    public string Path { get; }

    public Mark Start { get; }

    /// <summary>A mapping, or null with the reason reported (nothing is reported for an absent or empty value).</summary>
    public static YamlMap? Open(YamlNode? node, string path, ConfigDiagnostics diagnostics, IReadOnlyList<string> keys)
    {
        if (node is YamlMappingNode mapping)
        {
            return new YamlMap(mapping, path, diagnostics, keys);
        }

        if (node is not null && !IsNull(node))
        {
            diagnostics.Report(path, node.Start, $"expected a mapping of {string.Join(", ", keys)}, got {Describe(node)}");
        }

        return null;
    }

    /// <summary>YAML's null (<c>key:</c>, <c>~</c>, <c>null</c>) counts as absent, so the default applies.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" or "Null" or "NULL" or null };

    public static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar => $"'{scalar.Value}'",
        YamlSequenceNode => "a list",
        _ => "a mapping",
    };

    public bool Has(string key) => values.ContainsKey(key);

    public YamlNode? Node(string key) => values.TryGetValue(key, out var node) && !IsNull(node) ? node : null;

    public string Child(string key) => FieldPath.Child(Path, key);

    public T Read<T>(string key, Func<string, Parsed<T>> parse, T fallback) =>
        Node(key) is { } node ? Scalar(node, Child(key), parse, fallback, diagnostics) : fallback;

    /// <summary>For optional values without a default: null when absent or wrong.</summary>
    public T? ReadOrNull<T>(string key, Func<string, Parsed<T>> parse)
        where T : class =>
        Node(key) is { } node ? Scalar(node, Child(key), s => parse(s).Select(v => (T?)v), null, diagnostics) : null;

    /// <summary>For optional numbers and enums without a default: null when absent or wrong.</summary>
    public T? ReadOptional<T>(string key, Func<string, Parsed<T>> parse)
        where T : struct =>
        Node(key) is { } node ? Scalar(node, Child(key), s => parse(s).Select(v => (T?)v), null, diagnostics) : null;

    /// <summary>Like <see cref="Read{T}"/>, but an absent key is an error at this mapping.</summary>
    public T Require<T>(string key, Func<string, Parsed<T>> parse, T placeholder)
    {
        if (Node(key) is null)
        {
            diagnostics.Report(Child(key), Start, $"missing required key '{key}'");
            return placeholder;
        }

        return Read(key, parse, placeholder);
    }

    public YamlMap? Map(string key, IReadOnlyList<string> keys) => YamlMap.Open(Node(key), Child(key), diagnostics, keys);

    /// <summary>The items of a list with their paths; an absent key is an empty list.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)> Items(string key)
    {
        var node = Node(key);
        var path = Child(key);
        if (node is YamlSequenceNode sequence)
        {
            var items = new List<(YamlNode, string)>();
            foreach (var item in sequence.Children)
            {
                var itemPath = FieldPath.Item(path, items.Count);
                diagnostics.Record(itemPath, item.Start);
                if (IsNull(item))
                {
                    // Kept, so later indexes still match their paths; readers skip it as they skip a bad value.
                    diagnostics.Report(itemPath, item.Start, "empty list item");
                }

                items.Add((item, itemPath));
            }

            return items;
        }

        if (node is not null)
        {
            diagnostics.Report(path, node.Start, $"expected a list, got {Describe(node)}");
        }

        return [];
    }

    /// <summary>A list of scalars; bad items are reported and stand as the placeholder, so indexes still match paths.</summary>
    public ValueList<T> List<T>(string key, Func<string, Parsed<T>> parse, T placeholder) =>
        new(Items(key).Select(item => IsNull(item.Node) ? placeholder : Scalar(item.Node, item.Path, parse, placeholder, diagnostics)));

    public static T Scalar<T>(YamlNode node, string path, Func<string, Parsed<T>> parse, T fallback, ConfigDiagnostics diagnostics)
    {
        if (node is not YamlScalarNode scalar)
        {
            diagnostics.Report(path, node.Start, $"expected a single value, got {Describe(node)}");
            return fallback;
        }

        var parsed = parse(scalar.Value ?? "");
        if (!parsed.Ok)
        {
            diagnostics.Report(path, node.Start, parsed.Error!);
            return fallback;
        }

        return parsed.Value;
    }
}
