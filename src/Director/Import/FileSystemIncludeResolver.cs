namespace HaDirector.Director.Import;

/// <summary>The real files: what <c>hadirector import-keepalived</c> reads.</summary>
public sealed class FileSystemIncludeResolver : IIncludeResolver
{
    public string? ReadText(string path)
    {
        try
        {
            return Directory.Exists(path) ? null : File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public IReadOnlyList<string> Glob(string pattern)
    {
        // glibc's glob() with GLOB_BRACE globs each alternative in turn (GLOB_APPEND) and sorts only what that one
        // found: include {web,mail}/*.conf reads web's files before mail's, as keepalived does.
        var all = new List<string>();
        foreach (var expanded in GlobPattern.ExpandBraces(pattern))
        {
            var found = new SortedSet<string>(StringComparer.Ordinal);
            var segments = expanded.Split('/', StringSplitOptions.RemoveEmptyEntries);
            Walk("/", segments, 0, found);
            all.AddRange(found);
        }
        return all;
    }

    private static void Walk(string dir, string[] segments, int index, SortedSet<string> found)
    {
        if (index == segments.Length)
        {
            if (File.Exists(dir))
            {
                found.Add(dir);
            }
            return;
        }

        var segment = segments[index];
        if (!GlobPattern.HasWildcards(segment))
        {
            Walk(Path.Combine(dir, segment), segments, index + 1, found);
            return;
        }

        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            {
                if (GlobPattern.SegmentMatches(segment, Path.GetFileName(entry)))
                {
                    Walk(entry, segments, index + 1, found);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable directory matches nothing, as glob(3) without GLOB_ERR.
        }
    }
}
