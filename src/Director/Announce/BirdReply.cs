using System.Globalization;

namespace HaDirector.Director.Announce;

/// <summary>
/// One reply on BIRD's control socket (doc/reply_codes in BIRD's source): lines <c>NNNN-text</c> (more follows),
/// <c> text</c> (continues the last code) and a last line <c>NNNN text</c>. 0xxx: done, 1xxx: a table row, 2xxx: a table
/// heading, 8xxx: a run-time error, 9xxx: a parse error (e.g. <c>9001 There is no BFD protocol running</c>).
/// </summary>
public sealed record BirdReply(IReadOnlyList<(int Code, string Text)> Lines)
{
    /// <summary>The last line's code: 0 for a table, 1 for the greeting, 8xxx/9xxx for an error.</summary>
    public int FinalCode => Lines.Count > 0 ? Lines[^1].Code : -1;

    public bool IsError => FinalCode >= 8000;

    /// <summary>The last line's text (an error's message).</summary>
    public string FinalText => Lines.Count > 0 ? Lines[^1].Text.Trim() : "";

    /// <summary>Whether <paramref name="line"/> ends a reply: four digits and a space.</summary>
    public static bool IsLast(string line) => line.Length >= 5 && IsCode(line) && line[4] == ' ';

    /// <summary>Whether <paramref name="line"/> has one of the three forms (checked as lines arrive: a peer that is not BIRD fails at once).</summary>
    public static bool IsWellFormed(string line) => line.Length == 0 ||
        (line.Length >= 5 && IsCode(line) && line[4] is '-' or ' ') || line.StartsWith(' ') || (line.Length == 4 && IsCode(line));

    /// <summary>Reads the lines of one reply; a line that is none of the three forms is an <see cref="IOException"/> (not BIRD).</summary>
    public static BirdReply Parse(IEnumerable<string> lines)
    {
        var parsed = new List<(int, string)>();
        var code = -1;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length >= 5 && IsCode(line) && line[4] is '-' or ' ')
            {
                code = int.Parse(line.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture);
                parsed.Add((code, line[5..]));
            }
            else if (line.StartsWith(' ') && code >= 0)
            {
                parsed.Add((code, line[1..]));
            }
            else if (line.Length == 4 && IsCode(line))
            {
                // "0000" alone: some versions end a reply without the trailing space.
                code = int.Parse(line, NumberStyles.None, CultureInfo.InvariantCulture);
                parsed.Add((code, ""));
            }
            else
            {
                throw new IOException($"not a BIRD control socket reply: '{Shorten(line)}'");
            }
        }

        return new BirdReply(parsed);
    }

    internal static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";

    private static bool IsCode(string line) => char.IsAsciiDigit(line[0]) && char.IsAsciiDigit(line[1]) && char.IsAsciiDigit(line[2]) && char.IsAsciiDigit(line[3]);
}
