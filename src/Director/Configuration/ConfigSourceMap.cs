using YamlDotNet.Core;

namespace HaDirector.Director.Configuration;

/// <summary>
/// Where each value of a loaded file sits, by field path, so that checks made later against the running
/// system (an interface that does not exist, a port already bound) can still point at file, line and field.
/// </summary>
public sealed class ConfigSourceMap
{
    private readonly Dictionary<string, Mark> marks = new(StringComparer.Ordinal);

    internal ConfigSourceMap(string file) => File = file;

    public string File { get; }

    /// <summary>True when the file itself gives this value, rather than leaving it to its default.</summary>
    public bool Contains(string fieldPath) => marks.ContainsKey(fieldPath);

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

    internal void Record(string fieldPath, Mark mark) => marks[fieldPath] = mark;

    internal Mark LocateMark(string fieldPath)
    {
        while (true)
        {
            if (marks.TryGetValue(fieldPath, out var mark))
            {
                return mark;
            }

            if (fieldPath.Length == 0)
            {
                return new Mark(0, 1, 1);
            }

            fieldPath = FieldPath.Parent(fieldPath);
        }
    }
}
