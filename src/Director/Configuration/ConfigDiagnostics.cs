using YamlDotNet.Core;

namespace HaDirector.Director.Configuration;

/// <summary>
/// The errors found so far, and the <see cref="ConfigSourceMap"/> that reading fills with every value's mark,
/// so later cross-checks point at the exact value they are about.
/// </summary>
internal sealed class ConfigDiagnostics(string file)
{
    private readonly List<ConfigError> _errors = [];
    private readonly HashSet<string> _broken = new(StringComparer.Ordinal);

    public ConfigSourceMap Sources { get; } = new(file);

    public bool HasErrors => _errors.Count > 0;

    /// <summary>Any value reported so far: until then every value is usable and no path needs building.</summary>
    public bool HasBroken => _broken.Count > 0;

    /// <summary>In file order, so the first error an operator reads is the first one in the file.</summary>
    public IReadOnlyList<ConfigError> Errors =>
        [.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ThenBy(e => e.FieldPath, StringComparer.Ordinal)];

    /// <summary>The configuration only when there is not a single error.</summary>
    public ConfigLoadResult Result(DirectorConfig? config) =>
        HasErrors || config is null ? new(null, Errors, Sources) : new(config, [], Sources);

    public bool IsGiven(string path) => Sources.Contains(path);

    /// <summary>The keys the file gives in the mapping at <paramref name="path"/> (none if it is no mapping).</summary>
    public IReadOnlyList<ConfigEntry> GivenEntries(string path) => Sources.EntriesAt(path);

    public void Report(string path, Mark mark, string message)
    {
        _errors.Add(new ConfigError(file, checked((int)mark.Line), checked((int)mark.Column), path, message));
        _broken.Add(path);
    }

    /// <summary>At the value itself or, for a value left to its default, at the nearest enclosing one.</summary>
    public void Report(string path, string message) => Report(path, Sources.LocateMark(path), message);
    /// <summary>Like <see cref="IsBroken"/>, and also when any value inside this one was reported.</summary>
    public bool IsBrokenWithin(string path) =>
        _broken.Count > 0
        && (IsBroken(path) || _broken.Any(b => b.StartsWith(path, StringComparison.Ordinal) && b.Length > path.Length && b[path.Length] is '.' or '['));

    public bool IsBroken(string path)
    {
        if (_broken.Count == 0)
        {
            return false;
        }

        while (true)
        {
            if (_broken.Contains(path))
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
