using System.Text;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Tests.Probes;

public sealed class HttpResponseHeadTests
{
    [Fact]
    public void TryParse_CompleteHead_GivesStatusLengthAndContentLength()
    {
        var data = "HTTP/1.1 404 Not Found\r\ncontent-length:  12\r\nX: y\r\n\r\nbody"u8;

        Assert.True(HttpResponseHead.TryParse(data, out var head));

        Assert.Equal(new HttpResponseHead(404, data.Length - 4, 12, false), head);
    }

    [Fact]
    public void TryParse_Chunked_IgnoresContentLength()
    {
        Assert.True(HttpResponseHead.TryParse("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"u8, out var head));

        Assert.Equal((200, -1L, true), (head!.Value.Status, head.Value.ContentLength, head.Value.Chunked));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le")]
    [InlineData("HTT")]
    public void TryParse_Incomplete_AsksForMore(string data)
    {
        Assert.False(HttpResponseHead.TryParse(Encoding.ASCII.GetBytes(data), out _));
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    public void TryParse_NotHttp_IsFinishedWithoutAHead(string data)
    {
        Assert.True(HttpResponseHead.TryParse(Encoding.ASCII.GetBytes(data), out var head));

        Assert.Null(head);
    }

    [Fact]
    public void Dechunk_CompleteBody_RemovesFraming()
    {
        var body = "5\r\nhello\r\n1;ext=1\r\n!\r\n0\r\nTrailer: x\r\n\r\n"u8.ToArray();

        var length = HttpResponseHead.Dechunk(body);

        Assert.Equal("hello!", Encoding.ASCII.GetString(body, 0, length));
    }

    [Theory]
    [InlineData("5\r\nhel")]
    [InlineData("5\r\nhello\r\n")]
    [InlineData("zz\r\n")]
    public void Dechunk_CutShort_IsMinusOne(string body)
    {
        Assert.Equal(-1, HttpResponseHead.Dechunk(Encoding.ASCII.GetBytes(body)));
    }

    /// <summary>Found by reading the code while writing bench/fuzz (http-head), confirmed by the harness: the length check
    /// overflowed for a chunk size near int.MaxValue, and Slice threw instead of the answer "cut short".</summary>
    [Theory]
    [InlineData("7fffffff\r\nab")]
    [InlineData("5\r\nhello\r\n7ffffffe\r\n")]
    public void Dechunk_ChunkSizeNearIntMax_IsMinusOne(string body)
    {
        Assert.Equal(-1, HttpResponseHead.Dechunk(Encoding.ASCII.GetBytes(body)));
    }
}
