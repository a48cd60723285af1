using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// Matches a regular expression against raw reply bytes read as Latin-1 (one char per byte, so any reply
/// decodes and a pattern for ASCII protocols means what it says), without making a string.
/// </summary>
public static class TextPattern
{
    /// <summary>Checked once when the configuration loads; the timeout guards against catastrophic backtracking.</summary>
    public static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant | RegexOptions.Multiline, TimeSpan.FromMilliseconds(100));

    public static bool IsMatch(Regex pattern, ReadOnlySpan<byte> bytes)
    {
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var count = Encoding.Latin1.GetChars(bytes, chars);
            return pattern.IsMatch(chars.AsSpan(0, count));
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
