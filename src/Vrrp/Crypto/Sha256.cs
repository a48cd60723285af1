using System.Buffers.Binary;
using System.Numerics;

namespace HaDirector.Vrrp.Crypto;

/// <summary>
/// SHA-256 (FIPS 180-4) in a few lines. .NET's SHA-256 and HMAC on Linux are OpenSSL: loading libcrypto and libssl
/// costs the daemon ~4 MiB of resident memory for its lifetime (docs/benchmarks.md, "Footprint") for one hash of a
/// path at start (<c>RuntimeDirectory.Key</c>) and a few compressions per advert (<see cref="HmacSha256"/>), and each
/// call crosses into native code through the runtime's EVP wrappers. Same digests as SHA256.HashData (tests compare).
/// Branch-free on the data: no timing leaks a key.
/// </summary>
public static class Sha256
{
    public const int BlockSize = 64;

    public const int HashSize = 32;

    private static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>The initial hash value H(0).</summary>
    internal static ReadOnlySpan<uint> Initial =>
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        var digest = new byte[HashSize];
        HashData(data, digest);
        return digest;
    }

    public static void HashData(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        Span<uint> state = stackalloc uint[8];
        Initial.CopyTo(state);
        Finish(state, 0, data, digest);
    }

    /// <summary>
    /// Hashes <paramref name="data"/> into <paramref name="state"/>, which already took <paramref name="prefixLength"/>
    /// bytes (whole blocks: HMAC's padded key), pads, and writes the digest.
    /// </summary>
    internal static void Finish(Span<uint> state, long prefixLength, ReadOnlySpan<byte> data, Span<byte> digest)
    {
        Span<uint> w = stackalloc uint[64];
        var whole = data.Length / BlockSize * BlockSize;
        for (var block = 0; block < whole; block += BlockSize)
        {
            Compress(state, data.Slice(block, BlockSize), w);
        }

        // The rest, a 1 bit, zeros and the length in bits (big-endian): one block, or two if the length does not fit.
        var rest = data[whole..];
        Span<byte> tail = stackalloc byte[2 * BlockSize];
        tail.Clear();
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length + 9 <= BlockSize ? BlockSize : 2 * BlockSize;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(tailLength - 8)..], (ulong)(prefixLength + data.Length) * 8);
        for (var block = 0; block < tailLength; block += BlockSize)
        {
            Compress(state, tail.Slice(block, BlockSize), w);
        }

        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * i)..], state[i]);
        }

        tail.Clear();
        w.Clear();
    }

    /// <summary>One 64-byte block into the hash state (FIPS 180-4 §6.2.2); <paramref name="w"/> is 64 words of scratch.</summary>
    internal static void Compress(Span<uint> h, ReadOnlySpan<byte> block, Span<uint> w)
    {
        var k = K;
        for (var t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
        }

        for (var t = 16; t < 64; t++)
        {
            var s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            var s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (var t = 0; t < 64; t++)
        {
            var t1 = hh + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25))
                + ((e & f) ^ (~e & g)) + k[t] + w[t];
            var t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22))
                + ((a & b) ^ (a & c) ^ (b & c));
            hh = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += hh;
    }
}
