using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Tests.Probes;

public sealed class ResponseBufferTests
{
    [Fact]
    public void Grow_FromEmpty_RentsTheInitialSizeOnly()
    {
        using var buffer = new ResponseBuffer(64 * 1024);

        Assert.Equal(0, buffer.Capacity);
        Assert.True(buffer.Grow(0));
        Assert.Equal(ResponseBuffer.InitialSize, buffer.Capacity);
    }

    [Fact]
    public void Grow_WhenFull_DoublesAndKeepsWhatWasRead()
    {
        using var buffer = new ResponseBuffer(64 * 1024);
        buffer.Grow(0);
        var first = buffer.Free(0).Span;
        for (var i = 0; i < first.Length; i++)
        {
            first[i] = (byte)i;
        }

        Assert.True(buffer.Grow(ResponseBuffer.InitialSize));

        Assert.Equal(2 * ResponseBuffer.InitialSize, buffer.Capacity);
        Assert.Equal(Enumerable.Range(0, ResponseBuffer.InitialSize).Select(i => (byte)i), buffer.Array.Take(ResponseBuffer.InitialSize));
        Assert.Equal(ResponseBuffer.InitialSize, buffer.Free(ResponseBuffer.InitialSize).Length);
    }

    [Fact]
    public void Grow_AtTheLimit_RefusesAndNeverOffersMoreThanTheLimit()
    {
        using var buffer = new ResponseBuffer(3000);
        var grown = 0;
        while (buffer.Grow(buffer.Capacity))
        {
            grown++;
        }

        Assert.Equal((3, 3000, 0), (grown, buffer.Capacity, buffer.Free(3000).Length));
    }
}
