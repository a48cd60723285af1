using HaDirector.Director.Import;

namespace HaDirector.Director.Tests.Import;

/// <summary>Files held in memory, globbed as the real resolver globs, so the reader is tested without a disk.</summary>
public sealed class DictionaryIncludeResolver(Dictionary<string, string> files) : IIncludeResolver
{
    public string? ReadText(string path) => files.GetValueOrDefault(path);

    public IReadOnlyList<string> Glob(string pattern) =>
        [.. GlobPattern.ExpandBraces(pattern).SelectMany(p => files.Keys.Where(k => GlobPattern.Matches(p, k)).Order(StringComparer.Ordinal))];
}
