using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace HaDirector.HealthCheck.Probes;

/// <summary>What the body of a good response looks like: a pattern it contains, or its exact digest.</summary>
public sealed class BodyCheck
{
    private readonly Regex? _pattern;
    private readonly DigestAlgorithm _algorithm;
    private readonly byte[]? _digest;

    private BodyCheck(Regex? pattern, DigestAlgorithm algorithm, byte[]? digest)
    {
        _pattern = pattern;
        _algorithm = algorithm;
        _digest = digest;
    }

    public static BodyCheck Matching(Regex pattern) => new(pattern, default, null);

    /// <summary>The algorithm follows from the length: 32 hex digits are MD5 (keepalived's), 64 are SHA-256.</summary>
    public static BodyCheck WithDigest(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        return bytes.Length switch
        {
            16 => new BodyCheck(null, DigestAlgorithm.Md5, bytes),
            32 => new BodyCheck(null, DigestAlgorithm.Sha256, bytes),
            _ => throw new ArgumentException($"a digest is 32 (MD5) or 64 (SHA-256) hex digits, got {hex.Length}", nameof(hex)),
        };
    }

    /// <summary>A digest needs the whole body; a pattern is content with the part that fit.</summary>
    public bool NeedsWholeBody => _digest is not null;

    /// <summary>Null when the body is good, otherwise the reason.</summary>
    public string? Check(ReadOnlySpan<byte> body)
    {
        if (_pattern is not null)
        {
            return TextPattern.IsMatch(_pattern, body) ? null : ProbeReasons.BodyMismatch;
        }

        Span<byte> actual = stackalloc byte[32];
#pragma warning disable CA5351 // MD5 here compares a page with keepalived's genhash output, not a secret.
        var length = _algorithm == DigestAlgorithm.Md5 ? MD5.HashData(body, actual) : SHA256.HashData(body, actual);
#pragma warning restore CA5351
        return actual[..length].SequenceEqual(_digest) ? null : ProbeReasons.DigestMismatch;
    }
}
