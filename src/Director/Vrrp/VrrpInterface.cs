using HaDirector.Vrrp.Arp;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// One interface's VRRP plumbing, shared by the instances on it: the channel (socket and receive thread), the GARP
/// sender and the link watch, with a lifetime of their own so that a reload can bring an interface in or retire it.
/// </summary>
public sealed class VrrpInterface(string name, int index, VrrpChannel channel, IArpSender arp) : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];

    public string Name { get; } = name;

    public int Index { get; } = index;

    public VrrpChannel Channel { get; } = channel;

    /// <summary>The sender of the announcements: gratuitous ARP for IPv4, unsolicited neighbour adverts for IPv6.</summary>
    public IArpSender Arp { get; } = arp;

    /// <summary>The family of this interface's VRRP channel (an interface with both has two).</summary>
    public System.Net.Sockets.AddressFamily Family { get; init; } = System.Net.Sockets.AddressFamily.InterNetwork;

    /// <summary>Starts the receive thread and the watches of the link and of its addresses (given the interface's stopping token).</summary>
    public void Start(params Func<VrrpInterface, CancellationToken, Task>[] watches)
    {
        _loops.Add(Task.Run(() => Channel.ReceiveLoopAsync(_stopping.Token)));
        foreach (var watch in watches)
        {
            _loops.Add(Task.Run(() => watch(this, _stopping.Token)));
        }
    }

    /// <summary>Ends the loops: cancelling them ends their blocked receives (the VRRP socket's and the ARP watch's).</summary>
    public async Task StopAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(patience, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        Channel.Dispose();
        Arp.Dispose();
        _stopping.Dispose();
    }
}
