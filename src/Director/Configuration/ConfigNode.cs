using YamlDotNet.Core;

namespace HaDirector.Director.Configuration;

internal enum ConfigNodeKind : byte
{
    Scalar,
    Sequence,
    Mapping,
}

/// <summary>One key of a mapping, with the key's own position (unknown keys are reported there).</summary>
internal readonly record struct ConfigEntry(string Key, Mark KeyStart, ConfigNode Value);

/// <summary>
/// A node of the configuration file as the reader needs it: a scalar's text and whether it was plain (so
/// <c>null</c> and <c>~</c> mean absent only unquoted), a list's items, a mapping's keys in file order, and
/// where each starts.
/// </summary>
internal sealed class ConfigNode(ConfigNodeKind kind, Mark start)
{
    public ConfigNodeKind Kind => kind;

    public Mark Start => start;

    /// <summary>A scalar's text; null for lists and mappings.</summary>
    public string? Value { get; init; }

    public bool Plain { get; init; }

    public IReadOnlyList<ConfigNode> Items { get; init; } = [];

    public IReadOnlyList<ConfigEntry> Entries { get; init; } = [];
}
