using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Announce;

/// <summary>
/// docs/scale-out.md's FRR examples as the tests run them: the page's own blocks (the ones FRR's parser checks in
/// tests/Director.Tests/Docs), with the page's addresses, AS numbers and BFD interval replaced by the test's. Only
/// those are replaced, so what the tests prove is what the page says.
/// </summary>
public static partial class ScaleOutExamples
{
    /// <summary>The page's director (director1), its router and the other two directors.</summary>
    private const string PageDirector = "198.18.1.11";
    private const string PageRouter = "198.18.1.1";

    [GeneratedRegex(@"^```frr\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FrrBlock();

    private static IEnumerable<string> FrrBlocks() =>
        FrrBlock().Matches(File.ReadAllText(Path.Combine(Binary.RepositoryRoot(), "docs", "scale-out.md"))).Select(m => m.Groups["body"].Value);

    /// <summary>
    /// "FRR on a director": this director's address and AS, the router's address, the BFD interval, and the VIPs'
    /// prefix in the prefix list when they are not in the page's 198.18.10.0/24.
    /// </summary>
    public static string FrrDirector(IPAddress director, int asn, IPAddress router, int bfdMilliseconds, string vipPrefix = "198.18.10.0/24")
    {
        var block = Assert.Single(FrrBlocks(), b => b.Contains("ip import-table", StringComparison.Ordinal));
        block = block.Replace("permit 198.18.10.0/24 ge 32", $"permit {vipPrefix} ge 32", StringComparison.Ordinal);
        block = Address(PageDirector).Replace(block, director.ToString());
        block = Address(PageRouter).Replace(block, router.ToString());
        block = block.Replace("router bgp 64601", "router bgp " + asn.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return WithBfd(block, bfdMilliseconds);
    }

    private static string WithBfd(string block, int milliseconds) =>
        Regex.Replace(block, @"(receive-interval|transmit-interval) \d+", m => m.Groups[1].Value + " " + milliseconds.ToString(CultureInfo.InvariantCulture));

    /// <summary>"FRR as the router": its address, its BFD interval, and the page's three directors replaced by <paramref name="directors"/>.</summary>
    public static string FrrRouter(IPAddress router, int bfdMilliseconds, params IPAddress[] directors)
    {
        var block = Assert.Single(FrrBlocks(), b => b.Contains("peer-group DIRECTORS", StringComparison.Ordinal));
        var pageDirectors = Regex.Matches(block, @"^ neighbor (\S+) peer-group DIRECTORS$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.True(pageDirectors.Count >= directors.Length, "the page's router has fewer directors than the test");
        block = Address(PageRouter).Replace(block, router.ToString());
        for (var i = 0; i < pageDirectors.Count; i++)
        {
            block = i < directors.Length
                ? Address(pageDirectors[i]).Replace(block, directors[i].ToString())
                : Regex.Replace(block, @"^ neighbor " + Regex.Escape(pageDirectors[i]) + @" peer-group DIRECTORS\n", "", RegexOptions.Multiline);
        }

        return WithBfd(block, bfdMilliseconds);
    }

    /// <summary>An address as a whole word: 198.18.1.1 must not match inside 198.18.1.11.</summary>
    private static Regex Address(string address) => new(@"(?<![\d.])" + Regex.Escape(address) + @"(?![\d.])");
}
