namespace HaDirector.Vrrp.Crypto;

/// <summary>
/// HMAC-SHA256 (RFC 2104) over one key, with the key's inner and outer pads compressed once here: each message then
/// costs its own blocks plus one outer block (three compressions for an advert), with no native call and no
/// allocation. Thread-safe: <see cref="Compute"/> only reads the two states. <see cref="Dispose"/> wipes them.
/// </summary>
public sealed class HmacSha256 : IDisposable
{
    private readonly uint[] _inner = new uint[8];
    private readonly uint[] _outer = new uint[8];
    private bool _disposed;

    public HmacSha256(ReadOnlySpan<byte> key)
    {
        Span<byte> padded = stackalloc byte[Sha256.BlockSize];
        padded.Clear();
        if (key.Length > Sha256.BlockSize)
        {
            Sha256.HashData(key, padded);
        }
        else
        {
            key.CopyTo(padded);
        }

        Span<byte> pad = stackalloc byte[Sha256.BlockSize];
        Span<uint> w = stackalloc uint[64];
        Pad(padded, pad, 0x36, _inner, w);
        Pad(padded, pad, 0x5c, _outer, w);
        padded.Clear();
        pad.Clear();
        w.Clear();
    }

    /// <summary>Writes the 32-byte HMAC of <paramref name="data"/> into <paramref name="mac"/>.</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> mac)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<uint> state = stackalloc uint[8];
        Span<byte> inner = stackalloc byte[Sha256.HashSize];
        _inner.CopyTo(state);
        Sha256.Finish(state, Sha256.BlockSize, data, inner);
        _outer.CopyTo(state);
        Sha256.Finish(state, Sha256.BlockSize, inner, mac[..Sha256.HashSize]);
        inner.Clear();
        state.Clear();
    }

    public void Dispose()
    {
        _disposed = true;
        Array.Clear(_inner);
        Array.Clear(_outer);
    }

    private static void Pad(ReadOnlySpan<byte> key, Span<byte> pad, byte with, Span<uint> state, Span<uint> w)
    {
        for (var i = 0; i < pad.Length; i++)
        {
            pad[i] = (byte)(key[i] ^ with);
        }

        Sha256.Initial.CopyTo(state);
        Sha256.Compress(state, pad, w);
    }
}
