using System.Globalization;
using System.Runtime.CompilerServices;

namespace HaDirector.Vrrp.Tests;

/// <summary>Loads the captured keepalived datagrams from <c>Fixtures/*.hex</c> next to the sources.</summary>
internal static class Fixture
{
    public const int IpHeaderLength = 20;

    public static byte[] Load(string name) => Parse(File.ReadAllText(Path.Combine(Directory(), name + ".hex")));

    public const int Ipv6HeaderLength = 40;

    /// <summary>The VRRP message alone: the datagram without its 20-byte IPv4 (or 40-byte IPv6) header.</summary>
    public static byte[] Message(string name)
    {
        var datagram = Load(name);
        return datagram[(datagram[0] >> 4 == 6 ? Ipv6HeaderLength : IpHeaderLength)..];
    }

    private static byte[] Parse(string text)
    {
        var hex = string.Concat(text.Split('\n')
            .Where(line => !line.TrimStart().StartsWith('#'))
            .SelectMany(line => line.Where(Uri.IsHexDigit)));
        return [.. Enumerable.Range(0, hex.Length / 2)
            .Select(i => byte.Parse(hex.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture))];
    }

    private static string Directory([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "Fixtures");
}
