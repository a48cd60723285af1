using YamlDotNet.Core;

namespace HaDirector.Director.Configuration;

/// <summary>
/// The errors found so far, and where every value of the file sits: reading records each value's mark
/// under its field path, so later cross-checks point at the exact value they are about (or, for a value
/// left to its default, at the nearest enclosing one that the file does contain).
/// </summary>
internal sealed class ConfigDiagnostics(string file)
{
    private readonly List<ConfigError> errors = [];
    private readonly Dictionary<string, Mark> marks = new(StringComparer.Ordinal);
    private readonly HashSet<string> broken = new(StringComparer.Ordinal);

    public bool HasErrors => errors.Count > 0;

    /// <summary>In file order, so the first error an operator reads is the first one in the file.</summary>
    public IReadOnlyList<ConfigError> Errors =>
        [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ThenBy(e => e.FieldPath, StringComparer.Ordinal)];

    public void Record(string path, Mark mark) => marks[path] = mark;

    /// <summary>True when the file itself gives this value (rather than a default).</summary>
    public bool IsGiven(string path) => marks.ContainsKey(path);

    public void Report(string path, Mark mark, string message)
    {
        errors.Add(new ConfigError(file, checked((int)mark.Line), checked((int)mark.Column), path, message));
        broken.Add(path);
    }

    public void Report(string path, string message) => Report(path, Locate(path), message);

    public Mark Locate(string path)
    {
        while (true)
        {
            if (marks.TryGetValue(path, out var mark))
            {
                return mark;
            }

            if (path.Length == 0)
            {
                return new Mark(0, 1, 1);
            }

            path = FieldPath.Parent(path);
        }
    }

    /// <summary>
    /// True when this value or one that contains it was already reported, so cross-checks do not pile a
    /// second, confusing error on a placeholder value.
    /// </summary>
    public bool IsBroken(string path)
    {
        while (true)
        {
            if (broken.Contains(path))
            {
                return true;
            }

            if (path.Length == 0)
            {
                return false;
            }

            path = FieldPath.Parent(path);
        }
    }
}
