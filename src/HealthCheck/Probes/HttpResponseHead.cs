using System.Buffers.Text;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// The status line and the two headers that say where an HTTP/1.x body ends. Parsed from raw bytes
/// (no strings), because a health check reads thousands of these a second and needs nothing else.
/// </summary>
public readonly record struct HttpResponseHead(int Status, int Length, long ContentLength, bool Chunked)
{
    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    /// <summary>False while the head is incomplete; true with <paramref name="head"/> null when it is not HTTP.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out HttpResponseHead? head)
    {
        head = null;
        var end = data.IndexOf(HeaderEnd);
        if (end < 0)
        {
            // Not even the status line looks like HTTP: no point waiting for more.
            return data.Length >= 5 && !data[..5].SequenceEqual("HTTP/"u8);
        }

        var lines = data[..end];
        var firstEnd = lines.IndexOf("\r\n"u8);
        var statusLine = firstEnd < 0 ? lines : lines[..firstEnd];
        // "HTTP/1.1 200 OK": the code is the three digits after the first space.
        if (!statusLine.StartsWith("HTTP/1."u8) || statusLine.Length < 12 || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var used) || used != 3 || status < 100)
        {
            return true;
        }

        long contentLength = -1;
        var chunked = false;
        var rest = firstEnd < 0 ? [] : lines[(firstEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var lineEnd = rest.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? rest : rest[..lineEnd];
            rest = lineEnd < 0 ? [] : rest[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (System.Text.Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out var n) || n != value.Length || contentLength < 0)
                {
                    return true;
                }
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = value.IndexOf("chunked"u8) >= 0;
            }
        }

        head = new HttpResponseHead(status, end + HeaderEnd.Length, chunked ? -1 : contentLength, chunked);
        return true;
    }

    /// <summary>
    /// Removes chunk framing in place; returns the decoded length, or -1 when the last (zero) chunk has not
    /// arrived: the response was cut short. Extensions and trailers are skipped.
    /// </summary>
    public static int Dechunk(Span<byte> body)
    {
        var read = 0;
        var written = 0;
        while (true)
        {
            var lineEnd = body[read..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return -1;
            }

            var sizeText = body.Slice(read, lineEnd);
            var semicolon = sizeText.IndexOf((byte)';');
            if (semicolon >= 0)
            {
                sizeText = sizeText[..semicolon];
            }

            if (!Utf8Parser.TryParse(sizeText.Trim((byte)' '), out int size, out _, 'x') || size < 0)
            {
                return -1;
            }

            read += lineEnd + 2;
            if (size == 0)
            {
                return written;
            }

            // Not read + size + 2 > Length: a size near int.MaxValue overflowed that sum and reached Slice (bench/fuzz: http-head).
            if (size > body.Length - read - 2)
            {
                return -1;
            }

            body.Slice(read, size).CopyTo(body[written..]);
            written += size;
            read += size + 2;
        }
    }
}
