using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HaDirector.Director.Configuration;

/// <summary>
/// Reads a file's one YAML document into <see cref="ConfigNode"/>s straight from YamlDotNet's event parser,
/// without its representation model (a node object, a mark pair and a dictionary per value). Marks, error
/// messages and the accepted language are YamlDotNet's; aliases share the anchored node.
/// </summary>
internal static class ConfigYaml
{
    /// <summary>From this size (about 100 virtual servers) the parser runs on its own thread.</summary>
    internal const int ParserThreadFrom = 64 * 1024;

    /// <summary>The document's root; null for a file without one. Throws YamlException at the first error.</summary>
    /// <param name="rootList">A key of the root mapping whose list items are handed, each once it is complete,
    /// to <paramref name="onItem"/> (with its index) while the rest of the file is still being parsed.</param>
    /// <param name="parserThreadFrom">The size from which the parser runs on its own thread (tests: 0, always).</param>
    public static ConfigNode? Parse(
        string text, string? rootList = null, Action<int, ConfigNode>? onItem = null, int parserThreadFrom = ParserThreadFrom)
    {
        using var thread = text.Length >= parserThreadFrom ? new ParserThread(text) : null;
        IParser parser = thread ?? (IParser)new Parser(new StringReader(text));
        var watch = rootList is not null && onItem is not null ? new ListWatch(rootList, onItem) : null;
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = Read(parser, anchors: [], watch);
            parser.Consume<DocumentEnd>();
            if (parser.TryConsume<DocumentStart>(out _))
            {
                // A second '---' document is almost always a paste mistake; silently ignoring it would hide half a config.
                throw new YamlException(parser.Current!.Start, parser.Current.End, "expected one document, found a second one");
            }

            return root;
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet 16.3 throws this, without a mark, for an unclosed flow list followed by more keys, and before the
            // first event for text after a document end marker ("... x"; bench/fuzz: config).
            var mark = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(mark, mark, parser.Current is null ? $"unreadable YAML ({e.Message})" : "an unclosed [ or { list");
        }
        catch (ArgumentException e)
        {
            // ...and this for a tag that is not a valid URI (bench/fuzz: config).
            var mark = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(mark, mark, $"invalid tag: {e.Message}");
        }
    }

    private static ConfigNode Read(IParser parser, Dictionary<string, ConfigNode> anchors, ListWatch? rootWatch = null, Action<int, ConfigNode>? onItem = null)
    {
        var start = parser.Current ?? throw new YamlException("unexpected end of stream");
        parser.MoveNext();
        ConfigNode node;
        switch (start)
        {
            case Scalar scalar:
                node = new(ConfigNodeKind.Scalar, start.Start) { Value = scalar.Value, Plain = scalar.Style == ScalarStyle.Plain };
                break;
            case SequenceStart:
                var items = new List<ConfigNode>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    var item = Read(parser, anchors);
                    onItem?.Invoke(items.Count, item);
                    items.Add(item);
                }

                node = new(ConfigNodeKind.Sequence, start.Start) { Items = items };
                break;
            case MappingStart:
                var entries = new List<ConfigEntry>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    // A plain key is not a node of its own; an alias or a list as a key is (and not a name).
                    var key = parser.Current!;
                    string name;
                    if (key is Scalar { Anchor.IsEmpty: true } text)
                    {
                        name = text.Value;
                        parser.MoveNext();
                    }
                    else
                    {
                        name = Read(parser, anchors).Value ?? "";
                    }

                    if (entries.Exists(e => e.Key == name))
                    {
                        throw new YamlException(key.Start, key.End, $"Duplicate key {name}");
                    }

                    var watched = rootWatch is not null && name == rootWatch.Key && parser.Current is SequenceStart ? rootWatch.OnItem : null;
                    entries.Add(new(name, key.Start, Read(parser, anchors, onItem: watched)));
                }

                node = new(ConfigNodeKind.Mapping, start.Start) { Entries = entries };
                break;
            case AnchorAlias alias:
                return anchors.TryGetValue(alias.Value.Value, out var anchored)
                    ? anchored
                    : throw new YamlException(alias.Start, alias.End, $"Anchor '{alias.Value}' not found");
            default:
                throw new YamlException(start.Start, start.End, $"unexpected {start.GetType().Name}");
        }

        if (start is NodeEvent { Anchor.IsEmpty: false } anchoredEvent)
        {
            anchors[anchoredEvent.Anchor.Value] = node;
        }

        return node;
    }

    private sealed record ListWatch(string Key, Action<int, ConfigNode> OnItem);
}
