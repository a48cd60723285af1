using System.Text.RegularExpressions;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Fuzz.Harnesses;

/// <summary>
/// A real server's reply to a TCP check's <c>send</c>, matched against <c>expect</c> as TcpProbe does (the bytes read as
/// Latin-1, the pattern compiled with its match timeout): once on a first read and once on the whole reply (ReadLimit).
/// The patterns are the operator's (trusted); the reply is not.
/// </summary>
internal sealed class TcpExpectHarness : IHarness
{
    private static readonly Regex[] Patterns =
    [
        TextPattern.Compile(@"^\+PONG"),
        TextPattern.Compile(@"^220[ -]"),
        TextPattern.Compile(@"^\+OK"),
        TextPattern.Compile(@"^HTTP/1\.[01] 200"),
        TextPattern.Compile(@"(?i)\bready\b.*$"),
        TextPattern.Compile(@"^[0-9]{3} .*\r?$"),
    ];

    public string Name => "tcp-expect";

    public IReadOnlyList<string> Assemblies => ["HaDirector.HealthCheck.dll"];

    public void Run(ReadOnlySpan<byte> data)
    {
        var reply = data.Length > TcpProbe.ReadLimit ? data[..TcpProbe.ReadLimit] : data;
        foreach (var pattern in Patterns)
        {
            TextPattern.IsMatch(pattern, reply[..(reply.Length / 2)]);
            TextPattern.IsMatch(pattern, reply);
        }
    }
}
