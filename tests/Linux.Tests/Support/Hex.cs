namespace HaDirector.Linux.Tests.Support;

/// <summary>Golden bytes are written as spaced hex so a reader can line them up with the header comments.</summary>
internal static class Hex
{
    public static byte[] Parse(string text) =>
        Convert.FromHexString(string.Concat(text.Where(c => !char.IsWhiteSpace(c) && c != '|')));

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
