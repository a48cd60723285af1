using CsCheck;
using HaDirector.Director.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HaDirector.Director.Tests.Configuration;

/// <summary>
/// Config → YAML → config. Nothing in the daemon writes YAML (no `config show`, no normaliser), so the writer here is
/// YamlDotNet's emitter: a shipped configuration re-emitted with every mapping and sequence in generated block or flow
/// style and every scalar plain, single- or double-quoted must load to the same model (CsCheck shrinks a failure to the
/// fewest style changes that break it). A plain null (<c>~</c>, <c>null</c>, empty) stays plain: quoted, it is a string.
/// </summary>
public sealed class ConfigYamlStylePropertyTests
{
    public static TheoryData<string> Files => ["lb1.yaml", "lb2.yaml"];

    [Theory]
    [MemberData(nameof(Files))]
    public void LoadRestyled_ShippedExample_SameModel(string file)
    {
        var text = File.ReadAllText(Path.Combine(ConfigLoaderTests.RepositoryRoot(), "deploy", "examples", file));
        var original = ConfigLoader.LoadFromText(text, file);
        Assert.True(original.Succeeded, string.Join('\n', original.Errors));
        var events = Events(text);

        Gen.Int[0, 2].Array[events.Count].Sample(styles =>
        {
            var restyled = Emit(events, styles);

            var loaded = ConfigLoader.LoadFromText(restyled, file);

            Assert.True(loaded.Succeeded, restyled + "\n" + string.Join('\n', loaded.Errors));
            Assert.Equal(original.Config, loaded.Config);
        }, iter: 200, threads: 1);
    }

    private static List<ParsingEvent> Events(string text)
    {
        var parser = new Parser(new StringReader(text));
        var events = new List<ParsingEvent>();
        while (parser.MoveNext())
        {
            events.Add(parser.Current!);
        }

        return events;
    }

    private static string Emit(List<ParsingEvent> events, int[] styles)
    {
        var writer = new StringWriter();
        var emitter = new Emitter(writer);
        for (var i = 0; i < events.Count; i++)
        {
            emitter.Emit(events[i] switch
            {
                MappingStart m => new MappingStart(m.Anchor, m.Tag, m.IsImplicit, styles[i] == 0 ? MappingStyle.Flow : MappingStyle.Block),
                SequenceStart s => new SequenceStart(s.Anchor, s.Tag, s.IsImplicit, styles[i] == 0 ? SequenceStyle.Flow : SequenceStyle.Block),
                Scalar { Style: ScalarStyle.Plain, Value: "" or "~" or "null" or "Null" or "NULL" } plainNull => plainNull,
                Scalar s => new Scalar(s.Anchor, s.Tag, s.Value, styles[i] switch
                {
                    0 => ScalarStyle.Plain,
                    1 => ScalarStyle.SingleQuoted,
                    _ => ScalarStyle.DoubleQuoted,
                }, true, true),
                var other => other,
            });
        }

        return writer.ToString();
    }
}
