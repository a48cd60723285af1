using System.Net.NetworkInformation;
using SharpPcap;
using SharpPcap.LibPcap;

namespace HaDirector.Vrrp.Arp;

/// <summary>Sends frames through libpcap on a named interface of the current network namespace.</summary>
public sealed class PcapArpSender : IArpSender
{
    private readonly LibPcapLiveDevice _device;
    private readonly Lock _gate = new();

    public PcapArpSender(string interfaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        _device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == interfaceName)
            ?? throw new InvalidOperationException($"libpcap does not see interface '{interfaceName}'");
        // Send-only: no capture filter, no promiscuous mode; a short read timeout keeps Close() quick.
        _device.Open(new DeviceConfiguration { Mode = DeviceModes.None, ReadTimeout = 100, Immediate = true });
        MacAddress = _device.MacAddress
            ?? throw new InvalidOperationException($"interface '{interfaceName}' has no MAC address");
    }

    public PhysicalAddress MacAddress { get; }

    public void Send(ReadOnlySpan<byte> frame)
    {
        // pcap_inject is not documented as thread-safe on one handle; bursts of several VIPs may overlap.
        lock (_gate)
        {
            _device.SendPacket(frame);
        }
    }

    /// <summary>
    /// Calls pcap_sendpacket once with a 1-byte frame, which the kernel refuses (EINVAL: shorter than an
    /// Ethernet header; SharpPcap itself rejects an empty one before reaching libpcap): the send path's first-use
    /// costs (libpcap's and SharpPcap's) are then paid before the first takeover needs them.
    /// </summary>
    public void WarmUp()
    {
        try
        {
            lock (_gate)
            {
                _device.SendPacket(stackalloc byte[1]);
            }
        }
        catch (PcapException)
        {
        }
    }

    public void Dispose() => _device.Dispose();
}
