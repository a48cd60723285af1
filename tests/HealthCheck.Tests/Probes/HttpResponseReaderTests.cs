using System.Text;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Tests.Probes;

/// <summary>The response parser both HTTP paths share, fed in pieces as the engine's events or a stream bring them.</summary>
public sealed class HttpResponseReaderTests
{
    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 1, null, 2)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 1000, null, 2)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", 3, null, 2)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok", 7, ProbeReasons.Truncated, 0)]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n", 4, ProbeReasons.BadResponse, 0)]
    [InlineData("", 1, ProbeReasons.ClosedEarly, 0)]
    public void Received_AnswerInPieces_SameOutcomeWhateverThePieces(string answer, int piece, string? failure, int bodyLength)
    {
        using var buffer = new ResponseBuffer(64 * 1024);
        var reader = new HttpResponseReader(buffer, needWholeBody: false);

        var result = Feed(reader, Encoding.ASCII.GetBytes(answer), piece);

        Assert.Equal((failure, bodyLength), (result.Failure, result.BodyLength));
    }

    [Fact]
    public void Received_LongerThanTheLimitWithADigest_TooLarge()
    {
        using var buffer = new ResponseBuffer(limit: 100);
        var reader = new HttpResponseReader(buffer, needWholeBody: true);

        var result = Feed(reader, Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + new string('x', 500)), 64);

        Assert.Equal(ProbeReasons.TooLarge, result.Failure);
    }

    [Fact]
    public void Reset_AfterAnAnswer_ReadsTheNextOneAfresh()
    {
        using var buffer = new ResponseBuffer(64 * 1024);
        var reader = new HttpResponseReader(buffer, needWholeBody: false);
        Feed(reader, Encoding.ASCII.GetBytes("HTTP/1.1 503 X\r\nContent-Length: 4\r\n\r\nbusy"), 10);

        reader.Reset();
        var result = Feed(reader, Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), 10);

        Assert.Equal((null, 200, 2), (result.Failure, result.Head.Status, result.BodyLength));
    }

    /// <summary>Hands the answer over <paramref name="piece"/> bytes at a time, then the close, until judged.</summary>
    private static HttpGetResult Feed(HttpResponseReader reader, byte[] answer, int piece)
    {
        var offset = 0;
        while (true)
        {
            var room = reader.Room().Span;
            var count = Math.Min(Math.Min(piece, room.Length), answer.Length - offset);
            answer.AsSpan(offset, count).CopyTo(room);
            offset += count;
            if (reader.Received(count) is { } result)
            {
                return result;
            }
        }
    }
}
