namespace HaDirector.Vrrp.Protocol.Authentication;

/// <summary>
/// One HMAC key and its id (1..255, carried in the trailer). The key bytes never leave this type except into the HMAC:
/// <see cref="ToString"/>, equality and hashing never show them, so a key cannot reach a log, status or an error message.
/// </summary>
public sealed class VrrpHmacKey : IEquatable<VrrpHmacKey>
{
    /// <summary>The draft's floor: 32 bytes keep a 128-bit margin under a quantum search.</summary>
    public const int MinLength = 32;

    public const int MaxLength = 64;

    private readonly byte[] _key;

    public VrrpHmacKey(byte id, ReadOnlySpan<byte> key)
    {
        if (id == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(id), "A key id is 1..255.");
        }

        if (key.Length is < MinLength or > MaxLength)
        {
            throw new ArgumentException($"An HMAC key is {MinLength}..{MaxLength} bytes, not {key.Length}.", nameof(key));
        }

        Id = id;
        _key = key.ToArray();
    }

    public byte Id { get; }

    public int Length => _key.Length;

    /// <summary>A fresh HMAC-SHA256 over this key (the key goes into it, not out).</summary>
    public Crypto.HmacSha256 CreateHmac() => new(_key);

    /// <summary>Same id and same bytes (a reload that keeps a key keeps its replay state), compared in constant time.</summary>
    public bool Equals(VrrpHmacKey? other) =>
        other is not null && other.Id == Id && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(other._key, _key);

    public override bool Equals(object? obj) => Equals(obj as VrrpHmacKey);

    public override int GetHashCode() => Id;

    public override string ToString() => $"key {Id} ({Length} bytes)";
}
