using System.Text;
using HaDirector.Director.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HaDirector.Director.Tests.Configuration;

/// <summary>
/// <see cref="FastYaml"/> must read every file it accepts exactly as YamlDotNet does (values, styles, key
/// order and every mark), and decline what it cannot, so the loader can fall back without a difference.
/// </summary>
public sealed class FastYamlTests
{
    /// <summary>Plain configuration shapes, and the edges of what the fast reader takes.</summary>
    public static TheoryData<string> Accepted => new()
    {
        ConfigLoaderTests.Minimal,
        "a: 1\nb:\n  c: x y  # comment\n  d: 'it''s'\n  e: \"q\"\n",
        "# head\n\nroot:\n  list:\n    - 1\n    - two\n  indentless:\n  - a: 1\n    b: 2\n  - c:\n  empty:\nlast: ~\n",
        "x: [1, 'a', \"b\", {k: v, w: [ ]}, {}]\ny: { a: b , c: [d] }\n",
        "url: http://example.com/a#b\ntime: 10:30\nneg: -1\ndash: a-b\nsp:   padded   \n",
        "k:\n  - { name: vs0, vip: 198.18.0.1, port: 1000, realServers: [{ address: 198.19.0.1, port: 1000, weight: 1 }] }\n",
        "a:\n    b: 1\n    c:\n      - x\n      - y: z\n        w: v\n",
        "\"quoted key\": 1\n'other': 2\n",
    };

    /// <summary>What it leaves to YamlDotNet.</summary>
    public static TheoryData<string> Declined => new()
    {
        "",
        "a: &x 1\nb: *x\n",
        "a: !tag 1\n",
        "a: |\n  text\n",
        "a: >\n  text\n",
        "a: \"esc\\n\"\n",
        "a:\n\tb: 1\n",
        "a: 1\r\n",
        "---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: plain\n  continued\n",
        "a: [1,\n  2]\n",
        "a: b: c\n",
        "a: 1\na: 2\n",
        "a: [::1]:9810\n",
        "a:\n  -\n  - 1\n",
        "? complex\n: key\n",
        "  indented: root\n",
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void TryParse_PlainFile_SameTreeAsYamlDotNet(string text)
    {
        var fast = FastYaml.TryParse(text);

        Assert.NotNull(fast);
        Assert.Equal(Dump(SlowTree(text)!.Value), Dump(fast.Value));
    }

    [Theory]
    [MemberData(nameof(Declined))]
    public void TryParse_OutsideThePlainSubset_Declines(string text) => Assert.Null(FastYaml.TryParse(text));

    /// <summary>Every broken file of the loader's table and the examples: accepted only with YamlDotNet's tree.</summary>
    [Fact]
    public void TryParse_EveryTestAndExampleFile_DeclinesOrAgreesWithYamlDotNet()
    {
        var root = ConfigLoaderTests.RepositoryRoot();
        var texts = ConfigLoaderTests.BrokenFiles.Select(row => row.Data.Item2)
            .Concat(Directory.GetFiles(Path.Combine(root, "deploy", "examples"), "*.yaml").Select(File.ReadAllText));
        var accepted = 0;
        foreach (var text in texts)
        {
            if (FastYaml.TryParse(text) is not { } fast)
            {
                continue;
            }

            accepted++;
            var slow = SlowTree(text);
            Assert.True(slow is not null, $"YamlDotNet rejects what the fast reader took:\n{text}");
            Assert.Equal(Dump(slow.Value), Dump(fast));
        }

        Assert.True(accepted > 10, $"only {accepted} files took the fast path");
    }

    private static ConfigNode? SlowTree(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return null;
        }

        return stream.Documents.Count == 1 ? ConfigNode.From(stream.Documents[0].RootNode) : null;
    }

    private static string Dump(ConfigNode node)
    {
        var text = new StringBuilder();
        Dump(node, text, "");
        return text.ToString();
    }

    private static void Dump(ConfigNode node, StringBuilder text, string indent)
    {
        text.Append($"{indent}{node.Kind} {node.Line}:{node.Column}@{node.Index}");
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
            text.Append($"{indent}key [{entry.Key}] {entry.Line}:{entry.Column}@{entry.Index}\n");
            Dump(entry.Value, text, indent + "  ");
        }
    }
}
