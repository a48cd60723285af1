using YamlDotNet.Core;

namespace HaDirector.Director.Configuration;

/// <summary>
/// Where each value of a loaded file sits, by field path, so that checks made later against the running
/// system (an interface that does not exist, a port already bound) can still point at file, line and field.
/// Paths are looked up in the file's node tree when asked, rather than recorded for every value while reading
/// (that was a string and a dictionary entry per value: 5 MB for 10,000 real servers).
/// </summary>
public sealed class ConfigSourceMap
{
    private ConfigNode? _root;

    internal ConfigSourceMap(string file) => File = file;

    public string File { get; }

    /// <summary>True when the file itself gives this value, rather than leaving it to its default.</summary>
    public bool Contains(string fieldPath) => Find(fieldPath, out _);

    /// <summary>The value's line and column, or those of the nearest enclosing value the file does give.</summary>
    public (int Line, int Column) Locate(string fieldPath)
    {
        var mark = LocateMark(fieldPath);
        return (checked((int)mark.Line), checked((int)mark.Column));
    }

    public ConfigError ErrorAt(string fieldPath, string message)
    {
        var (line, column) = Locate(fieldPath);
        return new ConfigError(File, line, column, fieldPath, message);
    }

    internal void SetRoot(ConfigNode node) => _root = node;

    /// <summary>The text of the scalar the file gives at this path; null when it gives none there.</summary>
    internal string? TextAt(string fieldPath) =>
        Find(fieldPath, out var node) && node is { Kind: ConfigNodeKind.Scalar } scalar ? scalar.Value : null;

    internal IReadOnlyList<ConfigEntry> EntriesAt(string fieldPath) =>
        Find(fieldPath, out var node) && node is not null ? node.Entries : [];

    internal Mark LocateMark(string fieldPath)
    {
        Find(fieldPath, out var deepest);
        return deepest?.Start ?? new Mark(0, 1, 1);
    }

    /// <summary>
    /// Walks <c>a.b[2].c</c> down the tree. True if the whole path is there; <paramref name="deepest"/> is the
    /// last node reached (the nearest enclosing value), null when not even the root is.
    /// </summary>
    private bool Find(string fieldPath, out ConfigNode? deepest)
    {
        deepest = _root;
        if (_root is not { } node)
        {
            return false;
        }

        var rest = fieldPath.AsSpan();
        while (rest.Length > 0)
        {
            ConfigNode? next = null;
            if (rest[0] == '[')
            {
                var close = rest.IndexOf(']');
                if (close > 1 && node.Kind == ConfigNodeKind.Sequence && int.TryParse(rest[1..close], out var index)
                    && index >= 0 && index < node.Items.Count)
                {
                    next = node.Items[index];
                }

                rest = close < 0 ? [] : rest[(close + 1)..];
            }
            else
            {
                if (rest[0] == '.')
                {
                    rest = rest[1..];
                }

                var end = rest.IndexOfAny('.', '[');
                var key = end < 0 ? rest : rest[..end];
                if (node.Kind == ConfigNodeKind.Mapping)
                {
                    foreach (var entry in node.Entries)
                    {
                        if (key.SequenceEqual(entry.Key))
                        {
                            next = entry.Value;
                            break;
                        }
                    }
                }

                rest = end < 0 ? [] : rest[end..];
            }

            if (next is not { } found)
            {
                return false;
            }

            node = found;
            deepest = found;
        }

        return true;
    }
}
