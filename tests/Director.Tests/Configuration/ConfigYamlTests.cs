using System.Text;
using HaDirector.Director.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HaDirector.Director.Tests.Configuration;

/// <summary><see cref="ConfigYaml"/> must read a file exactly as YamlDotNet's representation model does: values, styles, key order and every mark.</summary>
public sealed class ConfigYamlTests
{
    public static TheoryData<string> Files => new()
    {
        ConfigLoaderTests.Minimal,
        "a: 1\nb:\n  c: x y  # comment\n  d: 'it''s'\n  e: \"q\"\n",
        "# head\n\nroot:\n  list:\n    - 1\n    - two\n  indentless:\n  - a: 1\n    b: 2\n  - c:\n  empty:\nlast: ~\n",
        "x: [1, 'a', \"b\", {k: v, w: [ ]}, {}]\ny: { a: b , c: [d] }\n",
        "url: http://example.com/a#b\ntime: 10:30\nneg: -1\ndash: a-b\nsp:   padded   \n",
        "a:\n    b: 1\n    c:\n      - x\n      - y: z\n        w: v\n",
        "\"quoted key\": 1\n'other': 2\n",
        "a: &x { b: 1 }\nc: *x\n",
        "a: !tag 1\n",
        "a: |\n  text\n  more\nb: >\n  folded\n  text\n",
        "a: \"esc\\n\\t\"\n",
        "a: 1\r\nb: 2\r\n",
        "---\na: 1\n...\n",
        "a: plain\n  continued\n",
        "a: [1,\n  2]\n",
        "a:\n  -\n  - 1\n",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Parse_File_SameTreeAsYamlDotNetsModel(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));

        Assert.Equal(Dump(stream.Documents[0].RootNode), Dump(ConfigYaml.Parse(text)!));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Parse_FileOnTheParserThread_SameTreeAsYamlDotNetsModel(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));

        Assert.Equal(Dump(stream.Documents[0].RootNode), Dump(ConfigYaml.Parse(text, parserThreadFrom: 0)!));
    }

    [Fact]
    public void Parse_WatchedRootList_HandsOverEachCompleteItemInOrder()
    {
        var seen = new List<(int Index, ConfigNode Item)>();

        var root = ConfigYaml.Parse("a:\n  - x: [1]\nlist:\n  - { k: 1 }\n  - k: 2\n    j: [3]\nb: [9]\n", "list", (i, node) => seen.Add((i, node)), parserThreadFrom: 0)!;

        var list = root.Entries.Single(e => e.Key == "list").Value;
        Assert.Equal([0, 1], seen.Select(s => s.Index));
        Assert.Equal(list.Items, seen.Select(s => s.Item));
        Assert.Equal(2, seen[1].Item.Entries.Count);
    }

    [Theory]
    [InlineData("a: 1\n---\nb: 2\n", 3, 1, "expected one document, found a second one")]
    [InlineData("a: 1\nb: 2\na: 3\n", 3, 1, "Duplicate key a")]
    [InlineData("a: 1\nb: *nowhere\n", 2, 4, "Anchor 'nowhere' not found")]
    public void Parse_BrokenDocument_ThrowsAtItsMark(string text, int line, int column, string message)
    {
        var error = Assert.Throws<YamlException>(() => ConfigYaml.Parse(text));
        var threaded = Assert.Throws<YamlException>(() => ConfigYaml.Parse(text, parserThreadFrom: 0));

        Assert.Equal((line, column, message), ((int)error.Start.Line, (int)error.Start.Column, error.Message));
        Assert.Equal((line, column, message), ((int)threaded.Start.Line, (int)threaded.Start.Column, threaded.Message));
    }

    [Fact]
    public void Parse_OnlyComments_HasNoRoot() => Assert.Null(ConfigYaml.Parse("# nothing\n"));

    private static string Dump(ConfigNode node)
    {
        var text = new StringBuilder();
        Dump(node, text, "");
        return text.ToString();
    }

    private static void Dump(ConfigNode node, StringBuilder text, string indent)
    {
        text.Append($"{indent}{node.Kind} {node.Start.Line}:{node.Start.Column}@{node.Start.Index}");
        if (node.Kind == ConfigNodeKind.Scalar)
        {
            text.Append($" [{node.Value}] plain={node.Plain}");
        }

        text.Append('\n');
        foreach (var item in node.Items)
        {
            Dump(item, text, indent + "- ");
        }

        foreach (var entry in node.Entries)
        {
            text.Append($"{indent}key [{entry.Key}] {entry.KeyStart.Line}:{entry.KeyStart.Column}@{entry.KeyStart.Index}\n");
            Dump(entry.Value, text, indent + "  ");
        }
    }

    private static string Dump(YamlNode node)
    {
        var text = new StringBuilder();
        Dump(node, text, "");
        return text.ToString();
    }

    private static void Dump(YamlNode node, StringBuilder text, string indent)
    {
        var kind = node switch { YamlScalarNode => ConfigNodeKind.Scalar, YamlSequenceNode => ConfigNodeKind.Sequence, _ => ConfigNodeKind.Mapping };
        text.Append($"{indent}{kind} {node.Start.Line}:{node.Start.Column}@{node.Start.Index}");
        if (node is YamlScalarNode scalar)
        {
            text.Append($" [{scalar.Value}] plain={scalar.Style == ScalarStyle.Plain}");
        }

        text.Append('\n');
        foreach (var item in (node as YamlSequenceNode)?.Children ?? [])
        {
            Dump(item, text, indent + "- ");
        }

        foreach (var (key, value) in (node as YamlMappingNode)?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            text.Append($"{indent}key [{((YamlScalarNode)key).Value}] {key.Start.Line}:{key.Start.Column}@{key.Start.Index}\n");
            Dump(value, text, indent + "  ");
        }
    }
}
