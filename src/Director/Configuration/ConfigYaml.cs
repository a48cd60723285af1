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
    /// <summary>The document's root; null for a file without one. Throws YamlException at the first error.</summary>
    public static ConfigNode? Parse(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (parser.Accept<StreamEnd>(out _))
        {
            return null;
        }

        try
        {
            parser.Consume<DocumentStart>();
            var root = Read(parser, anchors: []);
            parser.Consume<DocumentEnd>();
            if (parser.TryConsume<DocumentStart>(out _))
            {
                // A second '---' document is almost always a paste mistake; silently ignoring it would hide half a config.
                throw new YamlException(parser.Current!.Start, parser.Current.End, "expected one document, found a second one");
            }

            return root;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 16.3 throws this, without a mark, for an unclosed flow list followed by more keys.
            var mark = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(mark, mark, "an unclosed [ or { list");
        }
    }

    private static ConfigNode Read(IParser parser, Dictionary<string, ConfigNode> anchors)
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
                    items.Add(Read(parser, anchors));
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

                    entries.Add(new(name, key.Start, Read(parser, anchors)));
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
}
