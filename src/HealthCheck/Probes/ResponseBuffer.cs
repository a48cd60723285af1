using System.Buffers;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// A pooled buffer for one response, rented only once the connection is up and grown by doubling up to a
/// limit: a check holds a few hundred bytes for the usual short answer instead of its whole limit from the
/// connect on (10,000 HTTP targets with 64 KiB each held up to 600 MB at a burst).
/// </summary>
internal sealed class ResponseBuffer(int limit, int initial = ResponseBuffer.InitialSize) : IDisposable
{
    public const int InitialSize = 1024;

    private byte[]? _array;

    public int Limit { get; } = limit;

    /// <summary>The bytes held so far (empty before the first <see cref="Grow"/>).</summary>
    public byte[] Array => _array ?? [];

    /// <summary>How much of the array may be used: never past the limit (the pool may hand out more).</summary>
    public int Capacity => _array is null ? 0 : Math.Min(_array.Length, Limit);

    /// <summary>
    /// Makes room for more: rents the first array, or one twice as large keeping the first
    /// <paramref name="used"/> bytes. False when the limit is reached.
    /// </summary>
    public bool Grow(int used)
    {
        var capacity = Capacity;
        if (capacity >= Limit)
        {
            return false;
        }

        var next = ArrayPool<byte>.Shared.Rent(capacity == 0 ? Math.Min(initial, Limit) : Math.Min(capacity * 2, Limit));
        if (_array is not null)
        {
            _array.AsSpan(0, used).CopyTo(next);
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = next;
        return true;
    }

    /// <summary>The room after the first <paramref name="used"/> bytes.</summary>
    public Memory<byte> Free(int used) => _array.AsMemory(used, Capacity - used);

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = null;
        }
    }
}
