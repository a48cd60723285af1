using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HaDirector.Director.Import;

/// <summary>
/// The importer's output as a small tree that is written as block YAML with a comment on each line (where the value
/// came from) and comment lines for what did not carry over. YamlDotNet's emitter writes no comments, hence this.
/// </summary>
public static partial class YamlOut
{
    public abstract record Node;

    public sealed record Scalar(string Text) : Node
    {
        /// <summary>A string, quoted when YAML would read it as anything else.</summary>
        public static Scalar Str(string text) => new(Quote(text));

        public static Scalar Number(long value) => new(value.ToString(CultureInfo.InvariantCulture));

        public static Scalar Bool(bool value) => new(value ? "true" : "false");

        /// <summary>keepalived's seconds (fractions allowed) as a HaDirector duration.</summary>
        public static Scalar Duration(TimeSpan value) => new(DurationText(value));
    }

    public sealed record Entry(string? Key, Node? Value, string? Comment, IReadOnlyList<string> Notes);

    public sealed record Map(List<Entry> Entries) : Node
    {
        public Map() : this([]) { }

        public Map Add(string key, Node value, string? comment = null, IReadOnlyList<string>? notes = null)
        {
            Entries.Add(new Entry(key, value, comment, notes ?? []));
            return this;
        }

        public Map Note(string note)
        {
            Entries.Add(new Entry(null, null, null, [note]));
            return this;
        }

        public bool Has(string key) => Entries.Any(e => e.Key == key);
    }

    public sealed record Item(Node Value, string? Comment, IReadOnlyList<string> Notes);

    public sealed record Seq(List<Item> Items) : Node
    {
        public Seq() : this([]) { }

        public Seq Add(Node value, string? comment = null, IReadOnlyList<string>? notes = null)
        {
            Items.Add(new Item(value, comment, notes ?? []));
            return this;
        }
    }

    public static string DurationText(TimeSpan value)
    {
        var ms = (long)Math.Round(value.TotalMilliseconds);
        return ms % 1000 == 0 ? $"{ms / 1000}s" : $"{ms}ms";
    }

    public static string Write(Map root, IEnumerable<string> header)
    {
        var sb = new StringBuilder();
        foreach (var line in header)
        {
            sb.Append(line.Length == 0 ? "#" : "# " + line).Append('\n');
        }
        WriteMap(sb, root, 0, dash: false);
        return sb.ToString();
    }

    /// <summary>The value's text without comments, to compare two generated parts.</summary>
    public static string Canonical(Node node)
    {
        var sb = new StringBuilder();
        switch (node)
        {
            case Map m:
                WriteMap(sb, new Map([.. m.Entries.Where(e => e.Key is not null).Select(e => e with { Comment = null, Notes = [] })]), 0, false);
                break;
            default:
                WriteMap(sb, new Map().Add("v", node), 0, false);
                break;
        }
        return sb.ToString();
    }

    private static void WriteMap(StringBuilder sb, Map map, int indent, bool dash)
    {
        var first = true;
        foreach (var entry in map.Entries)
        {
            var pad = new string(' ', indent);
            foreach (var note in entry.Notes)
            {
                sb.Append(dash && first ? new string(' ', indent - 2) : pad).Append("# ").Append(note).Append('\n');
            }
            if (entry.Key is null)
            {
                continue;
            }

            sb.Append(dash && first ? new string(' ', indent - 2) + "- " : pad).Append(entry.Key).Append(':');
            first = false;
            switch (entry.Value)
            {
                case Scalar s:
                    sb.Append(' ').Append(s.Text);
                    EndLine(sb, entry.Comment);
                    break;
                case Map { Entries.Count: 0 }:
                    sb.Append(" {}");
                    EndLine(sb, entry.Comment);
                    break;
                case Map m:
                    EndLine(sb, entry.Comment);
                    WriteMap(sb, m, indent + 2, dash: false);
                    break;
                case Seq { Items.Count: 0 }:
                    sb.Append(" []");
                    EndLine(sb, entry.Comment);
                    break;
                case Seq q:
                    EndLine(sb, entry.Comment);
                    WriteSeq(sb, q, indent + 2);
                    break;
            }
        }
    }

    private static void WriteSeq(StringBuilder sb, Seq seq, int indent)
    {
        var pad = new string(' ', indent);
        foreach (var item in seq.Items)
        {
            foreach (var note in item.Notes)
            {
                sb.Append(pad).Append("# ").Append(note).Append('\n');
            }
            switch (item.Value)
            {
                case Scalar s:
                    sb.Append(pad).Append("- ").Append(s.Text);
                    EndLine(sb, item.Comment);
                    break;
                case Map m when m.Entries.Count > 0 && item.Comment is not null:
                    // The item's own comment goes on its first line, with the first key's.
                    var firstKey = m.Entries.FindIndex(e => e.Key is not null);
                    var entries = m.Entries.ToList();
                    if (firstKey >= 0)
                    {
                        entries[firstKey] = entries[firstKey] with { Comment = item.Comment };
                    }
                    WriteMap(sb, new Map(entries), indent + 2, dash: true);
                    break;
                case Map m:
                    WriteMap(sb, m, indent + 2, dash: true);
                    break;
                case Seq:
                    throw new InvalidOperationException("a list directly in a list is never generated");
            }
        }
    }

    private static void EndLine(StringBuilder sb, string? comment)
    {
        if (comment is not null)
        {
            sb.Append("  # ").Append(comment);
        }
        sb.Append('\n');
    }

    private static string Quote(string text)
    {
        if (PlainSafe().IsMatch(text) && !LooksLikeOtherType().IsMatch(text))
        {
            return text;
        }
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                < ' ' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_./@%+$][A-Za-z0-9_./@%+$=:-]*$")]
    private static partial Regex PlainSafe();

    // YAML 1.1/1.2 booleans, nulls and numbers, which a plain scalar would become.
    [GeneratedRegex(@"^(?i:y|n|yes|no|true|false|on|off|null|~)$|^[-+]?([0-9][0-9_]*\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$|^0x|^0o|:$")]
    private static partial Regex LooksLikeOtherType();
}
