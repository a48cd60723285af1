using YamlDotNet.Core;

namespace HaDirector.Director.Configuration;

/// <summary>
/// One YAML mapping of the file, read key by key at the node level so every value keeps its mark.
/// Opening it reports unknown keys; each typed read reports a wrong or out-of-range value and returns
/// the fallback instead, so reading always continues and every error of the file is found.
/// </summary>
internal sealed class YamlMap
{
    // The value of each known key, by its index in the key list: no dictionary per mapping.
    private readonly ConfigNode?[] _values;
    private readonly IReadOnlyList<string> _keys;
    private readonly ConfigDiagnostics _diagnostics;

    // A list item's path is built only when asked for (an error, a nested list): most items never need it.
    private string? _path;
    private readonly ListItem _item;


    private YamlMap(ConfigNode node, string? path, ListItem item, ConfigDiagnostics diagnostics, IReadOnlyList<string> keys)
    {
        _diagnostics = diagnostics;
        _keys = keys;
        _path = path;
        _item = item;
        _values = new ConfigNode?[keys.Count];
        Start = node.Start;
        foreach (var entry in node.Entries)
        {
            var index = IndexOf(keys, entry.Key);
            if (index < 0)
            {
                // The suggestion is worked out only here, for a key that is wrong.
                var closest = ClosestName.Find(entry.Key, keys);
                var hint = closest is null ? "; valid keys" : $"; did you mean '{closest}'? Valid keys";
                diagnostics.Report(FieldPath.Child(Path, entry.Key), entry.KeyStart, $"unknown key '{entry.Key}'{hint}: {string.Join(", ", keys)}");
                continue;
            }

            _values[index] = entry.Value;
        }
    }

    private static int IndexOf(IReadOnlyList<string> keys, string key)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            if (string.Equals(keys[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public string Path => _path ??= _item.Path;

    public Mark Start { get; }

    /// <summary>A mapping, or null with the reason reported (nothing is reported for an absent or empty value).</summary>
    public static YamlMap? Open(ConfigNode? node, string path, ConfigDiagnostics diagnostics, IReadOnlyList<string> keys)
    {
        if (node is not { } given)
        {
            return null;
        }

        if (given.Kind == ConfigNodeKind.Mapping)
        {
            return new YamlMap(given, path, default, diagnostics, keys);
        }

        if (!IsNull(given))
        {
            diagnostics.Report(path, given.Start, $"expected a mapping of {string.Join(", ", keys)}, got {Describe(given)}");
        }

        return null;
    }

    /// <summary>Like <see cref="Open(ConfigNode?, string, ConfigDiagnostics, IReadOnlyList{string})"/> for a list item.</summary>
    public static YamlMap? Open(ListItem item, ConfigDiagnostics diagnostics, IReadOnlyList<string> keys) =>
        item.Node.Kind == ConfigNodeKind.Mapping
            ? new YamlMap(item.Node, null, item, diagnostics, keys)
            : Open(item.Node, item.Path, diagnostics, keys);

    /// <summary>YAML's null (<c>key:</c>, <c>~</c>, <c>null</c>) counts as absent, so the default applies.</summary>
    public static bool IsNull(ConfigNode node) =>
        node is { Kind: ConfigNodeKind.Scalar, Plain: true, Value: "" or "~" or "null" or "Null" or "NULL" };

    public static string Describe(ConfigNode node) => node.Kind switch
    {
        ConfigNodeKind.Scalar => $"'{node.Value}'",
        ConfigNodeKind.Sequence => "a list",
        _ => "a mapping",
    };

    public bool Has(string key) => _values[IndexOf(_keys, key)] is not null;

    public ConfigNode? Node(string key) => _values[IndexOf(_keys, key)] is { } node && !IsNull(node) ? node : null;

    public string Child(string key) => FieldPath.Child(Path, key);

    public T Read<T>(string key, Func<string, Parsed<T>> parse, T fallback) =>
        Node(key) is { } node && TryScalar(node, this, key, parse, _diagnostics, out var value) ? value : fallback;

    /// <summary>For optional values without a default: null when absent or wrong.</summary>
    public T? ReadOrNull<T>(string key, Func<string, Parsed<T>> parse)
        where T : class =>
        Node(key) is { } node && TryScalar(node, this, key, parse, _diagnostics, out var value) ? value : null;

    /// <summary>For optional numbers and enums without a default: null when absent or wrong.</summary>
    public T? ReadOptional<T>(string key, Func<string, Parsed<T>> parse)
        where T : struct =>
        Node(key) is { } node && TryScalar(node, this, key, parse, _diagnostics, out var value) ? value : null;

    /// <summary>Like <see cref="Read{T}"/>, but an absent key is an error at this mapping.</summary>
    public T Require<T>(string key, Func<string, Parsed<T>> parse, T placeholder)
    {
        if (Node(key) is null)
        {
            _diagnostics.Report(Child(key), Start, $"missing required key '{key}'");
            return placeholder;
        }

        return Read(key, parse, placeholder);
    }

    public YamlMap? Map(string key, IReadOnlyList<string> keys) => YamlMap.Open(Node(key), Child(key), _diagnostics, keys);

    /// <summary>The items of a list with their paths; an absent key is an empty list.</summary>
    public ListItem[] Items(string key)
    {
        if (Node(key) is not { } node)
        {
            return [];
        }

        var path = Child(key);
        if (node.Kind != ConfigNodeKind.Sequence)
        {
            _diagnostics.Report(path, node.Start, $"expected a list, got {Describe(node)}");
            return [];
        }

        var children = node.Items;
        var items = new ListItem[children.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new ListItem(children[i], path, i);
            if (IsNull(children[i]))
            {
                // Kept, so later indexes still match their paths; readers skip it as they skip a bad value.
                _diagnostics.Report(items[i].Path, children[i].Start, "empty list item");
            }
        }

        return items;
    }

    /// <summary>Each item of a list read with <paramref name="read"/>, in order.</summary>
    public ValueList<T> ReadList<T>(string key, Func<ListItem, T> read)
    {
        var items = Items(key);
        var values = new T[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            values[i] = read(items[i]);
        }

        return ValueList<T>.Own(values);
    }

    /// <summary>A list of scalars; bad items are reported and stand as the placeholder, so indexes still match paths.</summary>
    public ValueList<T> List<T>(string key, Func<string, Parsed<T>> parse, T placeholder) =>
        ReadList(key, item => !IsNull(item.Node) && TryScalar(item.Node, null, item.Path, parse, _diagnostics, out var value) ? value : placeholder);

    /// <summary>
    /// The value's path (<paramref name="map"/>'s child <paramref name="key"/>, or <paramref name="key"/> itself) is
    /// built only for an error: a file of 10,000 real servers has 40,000 values.
    /// </summary>
    private static bool TryScalar<T>(ConfigNode node, YamlMap? map, string key, Func<string, Parsed<T>> parse, ConfigDiagnostics diagnostics, out T value)
    {
        var parsed = node.Kind == ConfigNodeKind.Scalar ? parse(node.Value!) : new ParseError($"expected a single value, got {Describe(node)}");
        if (!parsed.Ok)
        {
            diagnostics.Report(map?.Child(key) ?? key, node.Start, parsed.Error!);
        }

        value = parsed.Value;
        return parsed.Ok;
    }
}

/// <summary>An item of a list in the file; its path (<c>list[3]</c>) is built only when asked for.</summary>
internal readonly record struct ListItem(ConfigNode Node, string ListPath, int Index)
{
    public string Path => FieldPath.Item(ListPath, Index);
}
