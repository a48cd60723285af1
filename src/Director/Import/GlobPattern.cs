using System.Text;
using System.Text.RegularExpressions;

namespace HaDirector.Director.Import;

/// <summary>glob(3) with GLOB_BRACE, as keepalived expands an include: <c>*</c>, <c>?</c>, <c>[...]</c> within one path segment, <c>{a,b}</c>.</summary>
public static class GlobPattern
{
    public static bool HasWildcards(string pattern) => pattern.IndexOfAny(['*', '?', '[', '{']) >= 0;

    /// <summary>Expands <c>{a,b}</c> (nested too) into the patterns it stands for, in order.</summary>
    public static IReadOnlyList<string> ExpandBraces(string pattern)
    {
        var open = pattern.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return [pattern];
        }

        var depth = 0;
        var parts = new List<string>();
        var start = open + 1;
        for (var i = open; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '{':
                    depth++;
                    break;
                case ',' when depth == 1:
                    parts.Add(pattern[start..i]);
                    start = i + 1;
                    break;
                case '}':
                    if (--depth == 0)
                    {
                        parts.Add(pattern[start..i]);
                        var head = pattern[..open];
                        var tail = pattern[(i + 1)..];
                        return [.. parts.SelectMany(p => ExpandBraces(head + p + tail))];
                    }
                    break;
            }
        }
        return [pattern]; // unbalanced: glob(3) takes the brace literally
    }

    /// <summary>Whether one path segment matches one pattern segment (no '/' in either).</summary>
    public static bool SegmentMatches(string pattern, string name) =>
        // glob(3) never matches a leading '.' with a wildcard.
        (!name.StartsWith('.') || pattern.StartsWith('.')) && Regex.IsMatch(name, ToRegex(pattern), RegexOptions.CultureInvariant);

    /// <summary>Whether a whole path matches a pattern, segment by segment (braces expanded first).</summary>
    public static bool Matches(string pattern, string path) =>
        ExpandBraces(pattern).Any(p =>
        {
            var ps = p.Split('/');
            var ns = path.Split('/');
            return ps.Length == ns.Length && ps.Zip(ns).All(x => x.First == x.Second || (HasWildcards(x.First) && SegmentMatches(x.First, x.Second)));
        });

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }
                    var set = pattern[(i + 1)..close];
                    sb.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                case '\\' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return sb.Append('$').ToString();
    }
}
