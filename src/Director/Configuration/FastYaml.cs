namespace HaDirector.Director.Configuration;

/// <summary>
/// A reader for the plain subset of YAML that configuration files are written in: block mappings and
/// lists, one-line flow <c>[...]</c> and <c>{...}</c>, plain and quoted one-line scalars, comments. It
/// fills a <see cref="ConfigTree"/> (a few arrays: 6.6 MiB for the 600 KB bench file, where YamlDotNet's
/// model took 44 MiB), and repeated texts share one string. Anything else (anchors, tags, block and
/// multi-line scalars, escapes, tabs, CR, several documents, anything malformed) it declines with null, and the loader reads
/// the file with YamlDotNet instead, so the accepted language and every error message stay YamlDotNet's.
/// Marks are YamlDotNet's: a scalar or flow collection where it starts, a block mapping at its first key,
/// a block list at its first dash, an empty value just after its colon.
/// </summary>
internal sealed class FastYaml
{
    private const int MaxKeyLength = 1024;

    private readonly string _text;
    private readonly ConfigTree _tree;
    // Texts seen so far, open addressing by the text's hash: repeated values (ports, weights, addresses,
    // every key) share one string. By hand: a Dictionary alternate lookup is JIT-compiled at every start.
    private string?[] _strings = new string?[1024];
    private int _stringCount;

    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private FastYaml(string text)
    {
        _text = text;

        // Every key has a colon and most colons are keys; each key has a value node, plus the mappings and
        // list items themselves: sized once instead of doubled a dozen times.
        _tree = new ConfigTree(text.AsSpan().Count(':'));
    }

    private sealed class DeclinedException : Exception
    {
    }

    /// <summary>The document's root, or null when the file needs YamlDotNet (or has an error it must report).</summary>
    public static ConfigNode? TryParse(string text)
    {
        if (text.Length == 0 || text.AsSpan().IndexOfAny('\t', '\r', '\0') >= 0 || text[0] == '\uFEFF')
        {
            return null;
        }

        try
        {
            return new FastYaml(text).ParseDocument();
        }
        catch (DeclinedException)
        {
            return null;
        }
    }

    private static DeclinedException Decline() => new();

    private ConfigNode ParseDocument()
    {
        if (!SkipToContent() || Indent() != 0)
        {
            throw Decline();
        }

        var root = ParseBlockNode(0);
        if (!AtEnd)
        {
            throw Decline();
        }

        return root;
    }

    // ----- lines: a block construct returns at the start of the first content line after it, or at the end

    private bool AtEnd => _pos >= _text.Length;

    private char At(int pos) => pos < _text.Length ? _text[pos] : '\n';

    private int Column(int pos) => pos - _lineStart + 1;

    /// <summary>At a line start: skips blank and comment-only lines; false at the end of the file.</summary>
    private bool SkipToContent()
    {
        while (!AtEnd)
        {
            var first = _lineStart;
            while (At(first) == ' ')
            {
                first++;
            }

            var c = At(first);
            if (c is '\n' or '#')
            {
                NextLine(first);
                continue;
            }

            if (first == _lineStart && (c == '%' || IsMarker("---") || IsMarker("...")))
            {
                // Directives and document markers: a second document is an error YamlDotNet words.
                throw Decline();
            }

            _pos = _lineStart;
            return true;
        }

        return false;
    }

    private void NextLine(int from)
    {
        var end = _text.IndexOf('\n', from);
        _pos = _lineStart = end < 0 ? _text.Length : end + 1;
        _line++;
    }

    private bool IsMarker(string marker) =>
        _text.AsSpan(_lineStart).StartsWith(marker, StringComparison.Ordinal) && At(_lineStart + 3) is ' ' or '\n';

    /// <summary>The indentation of the current line.</summary>
    private int Indent()
    {
        var i = _lineStart;
        while (At(i) == ' ')
        {
            i++;
        }

        return i - _lineStart;
    }

    /// <summary>After a value: only spaces and a comment may follow on its line. False at the end of the file.</summary>
    private bool FinishLine()
    {
        var start = _pos;
        while (At(_pos) == ' ')
        {
            _pos++;
        }

        if (At(_pos) == '#' && (_pos > start || At(_pos - 1) == ' '))
        {
            _pos = _text.IndexOf('\n', _pos) is var end and >= 0 ? end : _text.Length;
        }

        if (At(_pos) != '\n')
        {
            throw Decline();
        }

        NextLine(_pos);
        return SkipToContent();
    }

    private bool IsDash(int pos) => At(pos) == '-' && At(pos + 1) is ' ' or '\n';

    // ----- block structure

    /// <summary>At the start of a content line indented by <paramref name="indent"/>.</summary>
    private ConfigNode ParseBlockNode(int indent)
    {
        _pos = _lineStart + indent;
        if (IsDash(_pos))
        {
            return ParseBlockSequence(indent, indentless: false);
        }

        if (KeyEnd(_pos, out _) >= 0)
        {
            return ParseBlockMapping(indent);
        }

        var value = ParseInlineValue();
        if (FinishLine() && Indent() >= indent)
        {
            // A continuation of a multi-line scalar, or an error: YamlDotNet's to judge.
            throw Decline();
        }

        return value;
    }

    /// <summary>At its first key, which is indented by <paramref name="indent"/>.</summary>
    private ConfigNode ParseBlockMapping(int indent)
    {
        var (line, column, index) = (_line, Column(_pos), _pos);
        var entries = _tree.BeginMapping();
        while (true)
        {
            var keyEnd = KeyEnd(_pos, out var quoted);
            if (keyEnd < 0)
            {
                throw Decline();
            }

            var key = quoted ? Quoted(_pos, keyEnd) : Intern(_text.AsSpan(_pos, keyEnd - _pos).TrimEnd(' '));
            if (_tree.HasOpenKey(entries, key))
            {
                throw Decline();
            }

            var (keyLine, keyColumn, keyIndex) = (_line, Column(_pos), _pos);
            _pos = _text.IndexOf(':', keyEnd) + 1;
            var empty = (Column: Column(_pos), Index: _pos);
            while (At(_pos) == ' ')
            {
                _pos++;
            }

            ConfigNode value;
            bool more;
            if (At(_pos) is '\n' or '#')
            {
                more = FinishLine();
                var next = more ? Indent() : -1;
                if (next > indent)
                {
                    value = ParseBlockNode(next);
                    more = !AtEnd;
                }
                else if (next == indent && IsDash(_lineStart + next))
                {
                    value = ParseBlockSequence(indent, indentless: true);
                    more = !AtEnd;
                }
                else
                {
                    value = _tree.Scalar("", plain: true, keyLine, empty.Column, empty.Index);
                }
            }
            else
            {
                value = ParseInlineValue();
                more = FinishLine();
            }

            _tree.AddEntry(key, keyLine, keyColumn, keyIndex, value);
            if (!more)
            {
                break;
            }

            var nextIndent = Indent();
            if (nextIndent < indent)
            {
                break;
            }

            if (nextIndent > indent || IsDash(_lineStart + indent))
            {
                throw Decline();
            }

            _pos = _lineStart + indent;
        }

        return _tree.EndMapping(entries, line, column, index);
    }

    /// <summary>
    /// At a dash indented by <paramref name="indent"/>. An indentless list (a mapping's value at the key's own
    /// indentation) ends at the first line of that indentation without a dash; any other list there is an error.
    /// </summary>
    private ConfigNode ParseBlockSequence(int indent, bool indentless)
    {
        _pos = _lineStart + indent;
        var (line, column, index) = (_line, Column(_pos), _pos);
        var items = _tree.BeginSequence();
        while (true)
        {
            _pos++;
            while (At(_pos) == ' ')
            {
                _pos++;
            }

            // An empty item, an item on the next lines, a list in a list: rare enough to leave to YamlDotNet.
            if (At(_pos) is '\n' or '#' || IsDash(_pos))
            {
                throw Decline();
            }

            bool more;
            if (KeyEnd(_pos, out _) >= 0)
            {
                _tree.AddItem(ParseBlockMapping(_pos - _lineStart));
                more = !AtEnd;
            }
            else
            {
                _tree.AddItem(ParseInlineValue());
                more = FinishLine();
            }

            if (!more)
            {
                break;
            }

            var next = Indent();
            if (next < indent)
            {
                break;
            }

            if (next > indent || (!indentless && !IsDash(_lineStart + indent)))
            {
                throw Decline();
            }

            if (!IsDash(_lineStart + indent))
            {
                break;
            }

            _pos = _lineStart + indent;
        }

        return _tree.EndSequence(items, line, column, index);
    }

    /// <summary>
    /// Where a block mapping key that starts at <paramref name="start"/> ends (before its colon, trailing
    /// spaces included), or -1 if the line is no <c>key: value</c>.
    /// </summary>
    private int KeyEnd(int start, out bool quoted)
    {
        var c = At(start);
        quoted = c is '\'' or '"';
        int end;
        if (quoted)
        {
            end = QuotedEnd(start);
            var colon = end;
            while (At(colon) == ' ')
            {
                colon++;
            }

            return At(colon) == ':' && At(colon + 1) is ' ' or '\n' ? end : -1;
        }

        if (!CanStartPlain(start))
        {
            return -1;
        }

        for (end = start; At(end) != '\n'; end++)
        {
            if (At(end) == ':' && At(end + 1) is ' ' or '\n')
            {
                if (end - start > MaxKeyLength)
                {
                    throw Decline();
                }

                return end;
            }

            if (At(end) == '#' && At(end - 1) == ' ')
            {
                return -1;
            }
        }

        return -1;
    }

    private bool CanStartPlain(int pos)
    {
        var c = At(pos);
        if (c is '-' or '?' or ':')
        {
            return c == '-' && At(pos + 1) is not (' ' or '\n');
        }

        return c is not ('\n' or ' ' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`');
    }

    // ----- values on one line

    private ConfigNode ParseInlineValue()
    {
        return At(_pos) switch
        {
            '[' => ParseFlowSequence(),
            '{' => ParseFlowMapping(),
            '\'' or '"' => ParseQuoted(),
            _ => ParsePlain(flow: false),
        };
    }

    private ConfigNode ParsePlain(bool flow)
    {
        if (!CanStartPlain(_pos))
        {
            throw Decline();
        }

        var start = _pos;
        var (line, column) = (_line, Column(_pos));
        while (true)
        {
            var c = At(_pos);
            if (c == '\n' || (c == '#' && At(_pos - 1) == ' '))
            {
                break;
            }

            if (c == ':')
            {
                // In a block value "a: b: c" is an error; in a flow collection ':' is a key's end or an
                // ambiguity ("[::1]") that YamlDotNet should judge.
                if (flow || At(_pos + 1) is ' ' or '\n')
                {
                    if (flow && At(_pos + 1) == ' ')
                    {
                        break;
                    }

                    throw Decline();
                }
            }

            if (flow && c is ',' or '[' or ']' or '{' or '}')
            {
                break;
            }

            _pos++;
        }

        var text = _text.AsSpan(start, _pos - start).TrimEnd(' ');
        if (text.Length == 0)
        {
            throw Decline();
        }

        return _tree.Scalar(Intern(text), plain: true, line, column, start);
    }

    /// <summary>Where the quoted scalar starting at <paramref name="start"/> ends (after its closing quote).</summary>
    private int QuotedEnd(int start)
    {
        var quote = At(start);
        for (var i = start + 1; ; i++)
        {
            var c = At(i);
            if (c == '\n' || (c == '\\' && quote == '"'))
            {
                throw Decline();
            }

            if (c == quote)
            {
                if (quote == '\'' && At(i + 1) == '\'')
                {
                    i++;
                    continue;
                }

                return i + 1;
            }
        }
    }

    private ConfigNode ParseQuoted()
    {
        var start = _pos;
        _pos = QuotedEnd(start);
        return _tree.Scalar(Quoted(start, _pos), plain: false, _line, Column(start), start);
    }

    private string Quoted(int start, int end)
    {
        var inner = _text.AsSpan(start + 1, end - start - 2);
        return _text[start] == '\'' && inner.Contains("''", StringComparison.Ordinal)
            ? inner.ToString().Replace("''", "'", StringComparison.Ordinal)
            : Intern(inner);
    }

    private ConfigNode ParseFlowSequence()
    {
        var (line, column, index) = (_line, Column(_pos), _pos);
        var items = _tree.BeginSequence();
        _pos++;
        SkipSpaces();
        while (!TryClose(']'))
        {
            if (_tree.OpenItemCount(items) > 0)
            {
                ExpectComma();
            }

            _tree.AddItem(ParseFlowNode());
            SkipSpaces();
        }

        return _tree.EndSequence(items, line, column, index);
    }

    private ConfigNode ParseFlowMapping()
    {
        var (line, column, index) = (_line, Column(_pos), _pos);
        var entries = _tree.BeginMapping();
        _pos++;
        SkipSpaces();
        while (!TryClose('}'))
        {
            if (_tree.OpenEntryCount(entries) > 0)
            {
                ExpectComma();
            }

            var key = At(_pos) is '\'' or '"' ? ParseQuoted() : ParsePlain(flow: true);
            if (_tree.HasOpenKey(entries, key.Value!))
            {
                throw Decline();
            }

            SkipSpaces();
            if (At(_pos) != ':' || At(_pos + 1) != ' ')
            {
                throw Decline();
            }

            _pos++;
            SkipSpaces();
            if (At(_pos) is ',' or '}')
            {
                throw Decline();
            }

            _tree.AddEntry(key.Value!, key.Line, key.Column, key.Index, ParseFlowNode());
            SkipSpaces();
        }

        return _tree.EndMapping(entries, line, column, index);
    }

    private bool TryClose(char close)
    {
        if (At(_pos) != close)
        {
            return false;
        }

        _pos++;
        return true;
    }

    private ConfigNode ParseFlowNode()
    {
        var node = At(_pos) switch
        {
            '[' => ParseFlowSequence(),
            '{' => ParseFlowMapping(),
            '\'' or '"' => ParseQuoted(),
            _ => ParsePlain(flow: true),
        };
        SkipSpaces();
        if (At(_pos) == ':')
        {
            // A single-pair mapping inside a list ("[a: b]"): YamlDotNet's.
            throw Decline();
        }

        return node;
    }

    private void ExpectComma()
    {
        if (At(_pos) != ',')
        {
            throw Decline();
        }

        _pos++;
        SkipSpaces();
        if (At(_pos) is ']' or '}' or ',')
        {
            throw Decline();
        }
    }

    private void SkipSpaces()
    {
        while (At(_pos) == ' ')
        {
            _pos++;
        }

        if (At(_pos) is '\n' or '#')
        {
            // A flow collection over several lines, or a comment inside one.
            throw Decline();
        }
    }

    private string Intern(ReadOnlySpan<char> text)
    {
        var mask = _strings.Length - 1;
        for (var i = string.GetHashCode(text) & mask; ; i = (i + 1) & mask)
        {
            if (_strings[i] is not { } known)
            {
                var value = text.ToString();
                _strings[i] = value;
                if (++_stringCount * 2 > _strings.Length)
                {
                    Rehash();
                }

                return value;
            }

            if (text.SequenceEqual(known))
            {
                return known;
            }
        }
    }

    private void Rehash()
    {
        var old = _strings;
        _strings = new string?[old.Length * 2];
        var mask = _strings.Length - 1;
        foreach (var value in old)
        {
            if (value is not null)
            {
                var i = string.GetHashCode(value.AsSpan()) & mask;
                while (_strings[i] is not null)
                {
                    i = (i + 1) & mask;
                }

                _strings[i] = value;
            }
        }
    }
}
