using System.Net.NetworkInformation;
using HaDirector.Vrrp.Arp;

namespace HaDirector.Vrrp.Tests.Arp;

public sealed class ReopeningArpSenderTests
{
    /// <summary>A device handle: fails its first <c>failures</c> sends (as a pcap handle left from a link flap does).</summary>
    private sealed class Device(List<string> wire, int failures) : IArpSender
    {
        private int _failures = failures;

        public PhysicalAddress MacAddress { get; } = PhysicalAddress.Parse("02-00-00-00-00-01");

        public bool Disposed { get; private set; }

        public void Send(ReadOnlySpan<byte> frame)
        {
            if (_failures-- > 0)
            {
                throw new IOException("send: Network is down");
            }

            wire.Add(Convert.ToHexString(frame));
        }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void Send_StaleHandleFails_ReopensAndTheFrameGoesOut()
    {
        var wire = new List<string>();
        var opened = new List<Device>();
        var errors = new List<string>();
        using var sender = new ReopeningArpSender(() =>
        {
            var device = new Device(wire, failures: opened.Count == 0 ? int.MaxValue : 0);
            opened.Add(device);
            return device;
        }, ex => errors.Add(ex.Message));

        sender.Send([1, 2, 3]);

        Assert.Equal(["010203"], wire);
        Assert.Equal(2, opened.Count);
        Assert.True(opened[0].Disposed);
        Assert.Equal((1L, 1L), (sender.Errors, sender.Reopens));
        Assert.Equal(["send: Network is down"], errors);
    }

    [Fact]
    public void Send_ReopenedDeviceFailsToo_ThrowsAndCountsBoth()
    {
        var wire = new List<string>();
        using var sender = new ReopeningArpSender(() => new Device(wire, failures: int.MaxValue));

        Assert.Throws<IOException>(() => sender.Send([1]));

        Assert.Empty(wire);
        Assert.Equal(2, sender.Errors);
    }
}
