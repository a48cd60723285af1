using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HaDirector.Director.Configuration;

internal enum ConfigNodeKind : byte
{
    Scalar,
    Sequence,
    Mapping,
}

/// <summary>One key of a mapping, with the key's own position (unknown keys are reported there).</summary>
internal readonly record struct ConfigEntry(string Key, int Line, int Column, int Index, ConfigNode Value)
{
    public Mark KeyStart => new(Index, Line, Column);
}

/// <summary>
/// A node of the configuration file as the reader needs it: a scalar's text and whether it was plain (so
/// <c>null</c> and <c>~</c> mean absent only unquoted), a list's items, a mapping's keys in file order, and
/// where each starts. Built by <see cref="FastYaml"/> or, for what that declines, from YamlDotNet's model.
/// </summary>
internal sealed class ConfigNode
{
    private ConfigNode(ConfigNodeKind kind, int line, int column, int index)
    {
        Kind = kind;
        Line = line;
        Column = column;
        Index = index;
    }

    public ConfigNodeKind Kind { get; }

    public int Line { get; }

    public int Column { get; }

    public int Index { get; }

    public Mark Start => new(Index, Line, Column);

    /// <summary>A scalar's text; null for lists and mappings.</summary>
    public string? Value { get; private init; }

    public bool Plain { get; private init; }

    public IReadOnlyList<ConfigNode> Items { get; private init; } = [];

    public IReadOnlyList<ConfigEntry> Entries { get; private init; } = [];

    public static ConfigNode Scalar(string value, bool plain, int line, int column, int index) =>
        new(ConfigNodeKind.Scalar, line, column, index) { Value = value, Plain = plain };

    public static ConfigNode Sequence(IReadOnlyList<ConfigNode> items, int line, int column, int index) =>
        new(ConfigNodeKind.Sequence, line, column, index) { Items = items };

    public static ConfigNode Mapping(IReadOnlyList<ConfigEntry> entries, int line, int column, int index) =>
        new(ConfigNodeKind.Mapping, line, column, index) { Entries = entries };

    /// <summary>The same tree from YamlDotNet's representation model (the slow path, with its exact marks).</summary>
    public static ConfigNode From(YamlNode node)
    {
        var (line, column, index) = (checked((int)node.Start.Line), checked((int)node.Start.Column), checked((int)node.Start.Index));
        switch (node)
        {
            case YamlScalarNode scalar:
                return Scalar(scalar.Value ?? "", scalar.Style == ScalarStyle.Plain, line, column, index);
            case YamlSequenceNode sequence:
                return Sequence([.. sequence.Children.Select(From)], line, column, index);
            default:
                var entries = new List<ConfigEntry>();
                foreach (var (key, value) in ((YamlMappingNode)node).Children)
                {
                    entries.Add(new ConfigEntry(
                        (key as YamlScalarNode)?.Value ?? "",
                        checked((int)key.Start.Line),
                        checked((int)key.Start.Column),
                        checked((int)key.Start.Index),
                        From(value)));
                }

                return Mapping(entries, line, column, index);
        }
    }
}
