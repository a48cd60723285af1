namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// Reads one HTTP response as it arrives, in whatever pieces: the caller reads into <see cref="Room"/> and hands the
/// count to <see cref="Received"/> until that returns the outcome. One parser for both ways a GET runs: awaited on a
/// stream (<see cref="HttpGet"/>, TLS) and driven by <see cref="ConnectEngine"/>'s events (plain HTTP under a scheduler).
/// </summary>
/// <param name="buffer">Where the response lands, rented at the first <see cref="Room"/> and grown as it comes.</param>
internal sealed class HttpResponseReader(ResponseBuffer buffer, bool needWholeBody)
{
    private int _total;
    private HttpResponseHead? _head;

    public ResponseBuffer Buffer => buffer;

    /// <summary>Where the next bytes go: never empty while <see cref="Received"/> has not returned an outcome.</summary>
    public Memory<byte> Room()
    {
        if (buffer.Capacity == 0)
        {
            buffer.Grow(0);
        }

        return buffer.Free(_total);
    }

    /// <summary><paramref name="read"/> more bytes arrived in <see cref="Room"/>; 0: the server closed.</summary>
    /// <returns>The outcome once known; null: read on.</returns>
    public HttpGetResult? Received(int read)
    {
        if (read == 0)
        {
            return _head is { } h ? Complete(buffer.Array, h, _total, eof: true)
                : new(_total == 0 ? ProbeReasons.ClosedEarly : ProbeReasons.Truncated, default, 0, false);
        }

        _total += read;
        if (_head is null)
        {
            if (HttpResponseHead.TryParse(buffer.Array.AsSpan(0, _total), out _head) && _head is null)
            {
                return new(ProbeReasons.BadResponse, default, 0, false);
            }
        }

        // Content-Length says where it ends; otherwise (chunked, or close-delimited) the server closes.
        if (_head is { } head && head.ContentLength >= 0 && _total >= head.Length + head.ContentLength)
        {
            return Complete(buffer.Array, head, _total, eof: false);
        }

        if (_total == buffer.Capacity && !buffer.Grow(_total))
        {
            return _head is { } full
                ? needWholeBody ? new(ProbeReasons.TooLarge, full, 0, false) : Complete(buffer.Array, full, _total, eof: false)
                : new(ProbeReasons.BadResponse, default, 0, false);
        }

        return null;
    }

    /// <summary>For the next response: nothing read, the buffer back in the pool.</summary>
    public void Reset()
    {
        _total = 0;
        _head = null;
        buffer.Dispose();
    }

    private static HttpGetResult Complete(Span<byte> buffer, HttpResponseHead head, int total, bool eof)
    {
        var body = buffer[head.Length..total];
        if (head.Chunked)
        {
            var decoded = HttpResponseHead.Dechunk(body);
            return decoded < 0
                ? eof ? new(ProbeReasons.Truncated, head, 0, false) : new(null, head, body.Length, false)
                : new(null, head, decoded, true);
        }

        if (head.ContentLength >= 0)
        {
            return body.Length >= head.ContentLength
                ? new(null, head, (int)head.ContentLength, true)
                : eof ? new(ProbeReasons.Truncated, head, 0, false) : new(null, head, body.Length, false);
        }

        return new(null, head, body.Length, eof);
    }
}
