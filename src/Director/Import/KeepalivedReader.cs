using System.Text;

namespace HaDirector.Director.Import;

/// <summary>
/// Reads a keepalived.conf as keepalived 2.x does (lib/parser.c and keepalived.conf(5)): <c>!</c> and <c>#</c>
/// comments (not inside quotes, <c>\#</c> and <c>\!</c> escaped), <c>@id</c> and <c>@^id</c> lines for one host
/// (or all but one), <c>$NAME=value</c> definitions (a trailing <c>\</c> continues a definition on the next lines)
/// used as <c>$NAME</c> or <c>${NAME}</c>, <c>include</c> with globs relative to the including file, blocks whose
/// braces may share a line with anything, and quoted strings. Every statement keeps the file and line it came from.
/// A pure function of the texts the <see cref="IIncludeResolver"/> hands out: no state survives a call.
/// </summary>
public sealed class KeepalivedReader
{
    private const int MaxIncludeDepth = 32;
    private const int MaxExpansionDepth = 32;

    // Bounds on what one source line may expand into: a definition that names itself twice doubles at each level
    // ($A=$A $A), which the depth bound alone lets grow to 2^32 (a fuzzer's find: the import hung, allocating).
    private const int MaxExpandedLength = 64 * 1024;
    private const int MaxExpandedLines = 10_000;

    // ...and on what the whole file may expand into: within those bounds a wide definition named on each line of a
    // multi-line one still made 300 MB of lines, again for each line naming that one (bench/fuzz, finding #9).
    private const int MaxExpandedTotal = 4 * 1024 * 1024;

    private readonly IIncludeResolver _resolver;
    private readonly string? _configId;
    private readonly Dictionary<string, Definition> _definitions = new(StringComparer.Ordinal);
    private readonly List<string> _includeStack = [];
    private readonly List<(string Text, SourceLocation Location)> _lines = [];
    private readonly List<ImportMessage> _errors = [];
    private readonly List<ImportMessage> _warnings = [];
    private Definition? _continuing;
    private int _expanded;
    private bool _expansionReported;
    private long _expandedTotal;
    private bool _totalReported;

    private KeepalivedReader(IIncludeResolver resolver, string? configId)
    {
        _resolver = resolver;
        _configId = configId;
    }

    /// <param name="path">The main file, as the operator named it (messages use this spelling).</param>
    /// <param name="configId">keepalived's config id for <c>@id</c> lines: by default the host name up to its first dot.</param>
    public static KeepalivedReadResult Read(string path, IIncludeResolver resolver, string? configId)
    {
        var reader = new KeepalivedReader(resolver, configId);
        if (resolver.ReadText(path) is not { } text)
        {
            return new KeepalivedReadResult([], [new ImportMessage(new SourceLocation(path, 0), "", "cannot read the file")], []);
        }
        reader.ReadFile(Normalize(path), text);
        var nodes = reader.BuildTree();
        return new KeepalivedReadResult(nodes, reader._errors, reader._warnings);
    }

    /// <summary>The config id keepalived takes by default: the node name up to its first dot.</summary>
    public static string DefaultConfigId(string hostName) => hostName.Split('.')[0];

    private void ReadFile(string path, string text)
    {
        _includeStack.Add(path);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var location = new SourceLocation(path, i + 1);
            var raw = lines[i].TrimEnd('\r');
            if (raw.Length == 0)
            {
                _continuing = null; // an empty line ends a multi-line definition
                continue;
            }

            var line = Decomment(raw, location);
            if (_continuing is { } definition)
            {
                Continue(definition, line);
                continue;
            }
            if (line.Length > 0)
            {
                Process(line, location, 0);
            }
        }
        _continuing = null;
        _includeStack.RemoveAt(_includeStack.Count - 1);
    }

    private void Continue(Definition definition, string line)
    {
        if (line.EndsWith('\\'))
        {
            var part = line[..^1].TrimEnd(' ', '\t');
            if (part.Length > 0)
            {
                definition.Value.Append(part).Append('\n');
            }
            return;
        }
        definition.Value.Append(line);
        _continuing = null;
    }

    /// <summary>Strips a comment and surrounding blanks; keeps a trailing <c>\</c> (a definition's continuation).</summary>
    private string Decomment(string raw, SourceLocation location)
    {
        var sb = new StringBuilder(raw.Length);
        var quote = false;
        var text = raw.TrimStart(' ', '\t');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                quote = !quote;
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                if (!quote && text[i + 1] is '#' or '!')
                {
                    sb.Append(text[++i]);
                    continue;
                }
                sb.Append(c).Append(text[++i]);
                continue;
            }
            else if (!quote && c is '!' or '#')
            {
                break;
            }
            sb.Append(c);
        }
        if (quote)
        {
            _errors.Add(new ImportMessage(location, "", $"unterminated quote in '{raw.Trim()}'"));
        }
        return sb.ToString().TrimEnd(' ', '\t', '\f', '\v');
    }

    private void Process(string line, SourceLocation location, int depth)
    {
        if (depth == 0)
        {
            _expanded = 0;
            _expansionReported = false;
        }

        if (depth > MaxExpansionDepth || ++_expanded > MaxExpandedLines || line.Length > MaxExpandedLength)
        {
            if (!_expansionReported)
            {
                var shown = line.Length > 80 ? line[..80] + "..." : line;
                _errors.Add(new ImportMessage(location, "", $"definitions expand into each other without end in '{shown}' " +
                    $"(deeper than {MaxExpansionDepth}, over {MaxExpandedLines} lines or {MaxExpandedLength / 1024} KiB)"));
                _expansionReported = true;
            }
            return;
        }

        if (line.StartsWith('@'))
        {
            var negate = line.StartsWith("@^", StringComparison.Ordinal);
            var start = negate ? 2 : 1;
            var space = line.IndexOfAny([' ', '\t'], start);
            if (space < 0)
            {
                return; // nothing after the id: keepalived drops the line
            }
            var id = line[start..space];
            if ((id == _configId) == negate)
            {
                return;
            }
            line = line[space..].TrimStart(' ', '\t');
        }

        if (line.StartsWith('$') && TryDefine(line))
        {
            return;
        }

        if (line.StartsWith("~SEQ", StringComparison.Ordinal) || line.StartsWith("~LST", StringComparison.Ordinal))
        {
            _warnings.Add(new ImportMessage(location, line[..4], "not expanded: the importer does not generate repeated configuration; write the statements out"));
            return;
        }

        if (_definitions.Count > 0 && line.Contains('$', StringComparison.Ordinal))
        {
            if (_expandedTotal > MaxExpandedTotal)
            {
                if (!_totalReported)
                {
                    _errors.Add(new ImportMessage(location, "", $"definitions expand into over {MaxExpandedTotal / (1024 * 1024)} MiB in all; " +
                        "no more lines that use them are read"));
                    _totalReported = true;
                }
                return;
            }

            if (Substitute(line, location) is { } replaced)
            {
                _expandedTotal += replaced.Length;
                foreach (var piece in replaced.Split('\n'))
                {
                    var again = Decomment(piece, location);
                    if (again.Length > 0)
                    {
                        Process(again, location, depth + 1);
                    }
                }
                return;
            }
        }

        if (IncludePattern(line) is { } pattern)
        {
            Include(pattern, location);
            return;
        }

        _lines.Add((line, location));
    }

    /// <summary><c>$NAME=value</c>: keepalived allows no blank before the '='.</summary>
    private bool TryDefine(string line)
    {
        if (line.Length < 2 || !(char.IsAsciiLetter(line[1]) || line[1] == '_'))
        {
            return false;
        }
        var eq = 2;
        while (eq < line.Length && line[eq] != '=')
        {
            if (!(char.IsAsciiLetterOrDigit(line[eq]) || line[eq] == '_'))
            {
                return false;
            }
            eq++;
        }
        if (eq == line.Length)
        {
            return false;
        }

        var name = line[1..eq];
        var value = line[(eq + 1)..].TrimStart(' ', '\t');
        var definition = new Definition(new StringBuilder(), value.EndsWith('\\'));
        if (definition.Multiline)
        {
            var first = value[..^1].TrimEnd(' ', '\t');
            if (first.Length > 0)
            {
                definition.Value.Append(first).Append('\n');
            }
            _continuing = definition;
        }
        else
        {
            definition.Value.Append(value);
        }
        _definitions[name] = definition;
        return true;
    }

    /// <summary>Replaces each known <c>$NAME</c> / <c>${NAME}</c>; null when nothing was replaced.</summary>
    private string? Substitute(string line, SourceLocation location)
    {
        var sb = new StringBuilder();
        var changed = false;
        var i = 0;
        while (i < line.Length)
        {
            if (line[i] != '$' || i + 1 >= line.Length)
            {
                sb.Append(line[i++]);
                continue;
            }

            var braces = line[i + 1] == '{';
            var start = i + (braces ? 2 : 1);
            var end = start;
            while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] == '_'))
            {
                end++;
            }
            var name = line[start..end];
            var valid = name.Length > 0 && !char.IsAsciiDigit(name[0]) &&
                (braces ? end < line.Length && line[end] == '}' : end == line.Length || line[end] is ' ' or '\t' or ',' or ')');
            var after = braces ? end + 1 : end;
            var value = valid ? Lookup(name, location, atEnd: after == line.Length) : null;
            if (value is null)
            {
                sb.Append(line[i++]);
                continue;
            }
            sb.Append(value);
            changed = true;
            i = after;
            if (sb.Length > MaxExpandedLength)
            {
                break; // Process reports it: the rest cannot make it shorter
            }
        }
        return changed ? sb.ToString() : null;
    }

    private string? Lookup(string name, SourceLocation location, bool atEnd)
    {
        if (_definitions.TryGetValue(name, out var definition))
        {
            // keepalived expands a multi-line definition only where it ends the line.
            return definition.Multiline && !atEnd ? null : definition.Value.ToString();
        }
        return name switch
        {
            "_HASH" => "#",
            "_BANG" => "!",
            "_PWD" => Directory(location.File),
            _ => null,
        };
    }

    /// <summary><c>include</c>, or keepalived 2.3's <c>includer</c>/<c>includem</c>/<c>includew</c>/<c>includeb</c>/<c>includea</c>.</summary>
    private static string? IncludePattern(string line)
    {
        if (!line.StartsWith("include", StringComparison.Ordinal) || line.Length < 9)
        {
            return null;
        }
        var rest = char.IsWhiteSpace(line[7]) ? line[8..]
            : "rmwba".Contains(line[7], StringComparison.Ordinal) && char.IsWhiteSpace(line[8]) ? line[9..]
            : null;
        return rest?.Trim();
    }

    private void Include(string pattern, SourceLocation location)
    {
        var absolute = Normalize(pattern.StartsWith('/') ? pattern : Path.Combine(Directory(location.File), pattern));
        IReadOnlyList<string> files = GlobPattern.HasWildcards(absolute) ? _resolver.Glob(absolute) : [absolute];
        if (files.Count == 0)
        {
            _warnings.Add(new ImportMessage(location, "include", $"no file matches '{pattern}' (keepalived goes on without it, and so does the import)"));
            return;
        }

        foreach (var file in files)
        {
            var normalized = Normalize(file);
            if (_includeStack.Contains(normalized))
            {
                _errors.Add(new ImportMessage(location, "include", $"'{pattern}' includes {normalized} again, which is already being read ({string.Join(" -> ", _includeStack)}): an include cycle"));
                continue;
            }
            if (_includeStack.Count >= MaxIncludeDepth)
            {
                _errors.Add(new ImportMessage(location, "include", $"includes nested deeper than {MaxIncludeDepth} files"));
                continue;
            }
            if (_resolver.ReadText(normalized) is not { } text)
            {
                _warnings.Add(new ImportMessage(location, "include", $"cannot read {normalized} (keepalived goes on without it, and so does the import)"));
                continue;
            }
            ReadFile(normalized, text);
        }
    }

    private static string Directory(string file)
    {
        var slash = file.LastIndexOf('/');
        return slash < 0 ? "." : slash == 0 ? "/" : file[..slash];
    }

    /// <summary>Removes "." and "dir/.." segments without asking the file system (the reader stays pure).</summary>
    private static string Normalize(string path)
    {
        var absolute = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "." && (parts.Count > 0 || absolute))
            {
                continue;
            }
            if (part == ".." && parts.Count > 0 && parts[^1] is not ".." and not ".")
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        var joined = string.Join('/', parts);
        return absolute ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    private List<KeepalivedNode> BuildTree()
    {
        var root = new List<Builder>();
        var stack = new List<(List<Builder> List, SourceLocation Opened)>();
        var current = root;
        foreach (var (text, location) in _lines)
        {
            var words = new List<string>();
            foreach (var token in Tokenize(text))
            {
                if (token.Quoted || token.Text is not "{" and not "}")
                {
                    words.Add(token.Text);
                    continue;
                }
                Flush(words, current, location);
                if (token.Text == "{")
                {
                    if (current.Count == 0 || current[^1].Children is not null)
                    {
                        _errors.Add(new ImportMessage(location, "", "'{' without a keyword before it"));
                        current = [];
                        stack.Add((current, location));
                        continue;
                    }
                    current[^1].Children = [];
                    stack.Add((current, location));
                    current = current[^1].Children!;
                }
                else if (stack.Count == 0)
                {
                    _errors.Add(new ImportMessage(location, "", "'}' closes no block (one '}' too many)"));
                }
                else
                {
                    current = stack[^1].List;
                    stack.RemoveAt(stack.Count - 1);
                }
            }
            Flush(words, current, location);
        }
        foreach (var (_, opened) in stack)
        {
            _errors.Add(new ImportMessage(opened, "", "'{' opened here is never closed"));
        }
        return [.. root.Select(b => b.Build())];
    }

    private static void Flush(List<string> words, List<Builder> into, SourceLocation location)
    {
        if (words.Count > 0)
        {
            into.Add(new Builder(words[0], [.. words.Skip(1)], location));
            words.Clear();
        }
    }

    /// <summary>Words split at blanks; a quoted string is one word without its quotes; braces are words of their own.</summary>
    private static List<Token> Tokenize(string line)
    {
        var tokens = new List<Token>();
        var sb = new StringBuilder();
        var quoted = false;
        var inQuote = false;
        void End()
        {
            if (sb.Length > 0 || quoted)
            {
                tokens.Add(new Token(sb.ToString(), quoted));
            }
            sb.Clear();
            quoted = false;
        }

        foreach (var c in line)
        {
            if (inQuote)
            {
                if (c == '"')
                {
                    inQuote = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                inQuote = true;
                quoted = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                End();
            }
            else if (c is '{' or '}')
            {
                End();
                tokens.Add(new Token(c.ToString(), false));
            }
            else
            {
                sb.Append(c);
            }
        }
        End();
        return tokens;
    }

    private sealed record Definition(StringBuilder Value, bool Multiline);

    private readonly record struct Token(string Text, bool Quoted);

    private sealed class Builder(string keyword, IReadOnlyList<string> args, SourceLocation location)
    {
        public List<Builder>? Children { get; set; }

        public KeepalivedNode Build() => new(keyword, args, location, Children?.Select(c => c.Build()).ToList());
    }
}
