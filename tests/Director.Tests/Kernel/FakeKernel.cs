using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using HaDirector.Director.Kernel;
using HaDirector.Director.Tests.Ipvs;
using HaDirector.Linux.Interop;
using HaDirector.Linux.IpvsSync;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Linux.Netlink.Route;
using HaDirector.Vrrp.Arp;
using HaDirector.Vrrp.Transport;

namespace HaDirector.Director.Tests.Kernel;

/// <summary>
/// An in-memory host: interfaces with their addresses and link state, the IPVS table (<see cref="FakeIpvsKernel"/>),
/// sysctl values, VRRP sockets that keep what was sent and take injected datagrams, GARP senders, silent listeners.
/// Every change it makes is appended to one ordered <see cref="Effects"/> log (reads are not effects), so a test can
/// check the order of a takeover across IPVS, addresses and the wire.
/// </summary>
internal sealed class FakeKernel : IHostKernel, ILinks, ISysctls, IKernelModules, IRoutes
{
    private readonly Lock _gate = new();
    private readonly List<string> _effects = [];
    private readonly Dictionary<string, Interface> _interfaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeVrrpSocket> _sockets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, System.Collections.Concurrent.BlockingCollection<byte[]>> _arpFrames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _listenerFailures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sysctls = new(StringComparer.Ordinal);
    private readonly HashSet<string> _readOnlySysctls = new(StringComparer.Ordinal);
    private readonly HashSet<IPEndPoint> _listeners = [];
    private readonly List<(string Name, Channel<LinkEvent> Events)> _watches = [];
    private readonly List<(int Index, Channel<InterfaceAddress?> Events)> _addressWatches = [];
    private readonly List<KernelRoute> _routes = [];
    private int _arpFailures;
    private int _arpListenerOpens;
    private int _arpOpens;

    public FakeKernel()
    {
        _interfaces["lo"] = new Interface(1, "lo", new PhysicalAddress([0, 0, 0, 0, 0, 0]), [(IPAddress.Loopback, 8)]) { Up = true };
    }

    public FakeIpvsKernel Ipvs { get; } = new();

    /// <summary>End points something else already listens on: a silent listener there fails as EADDRINUSE.</summary>
    public HashSet<IPEndPoint> BusyEndPoints { get; } = [];

    /// <summary>The changes made so far, in order: "add 198.18.0.100/32 eth0", "ipvs add service …", "garp eth0 198.18.0.100".</summary>
    public IReadOnlyList<string> Effects
    {
        get
        {
            lock (_gate)
            {
                return [.. _effects];
            }
        }
    }

    public IReadOnlyCollection<IPEndPoint> OpenListeners
    {
        get
        {
            lock (_gate)
            {
                return [.. _listeners];
            }
        }
    }

    public ILinks Links => this;

    public ISysctls Sysctls => this;

    public IKernelModules Modules => this;

    public IRoutes Routes => this;

    /// <summary>The routes of a table as "198.18.0.100/32 proto 201 dev lo".</summary>
    public IReadOnlyList<string> RoutesIn(uint table)
    {
        lock (_gate)
        {
            return [.. _routes.Where(r => r.Table == table).Select(r => $"{r.Destination}/{r.PrefixLength} proto {r.Protocol} dev {NameOf(r.OutputInterface)}")];
        }
    }

    /// <summary>A route someone else (or an earlier run of the daemon) put there: not an effect of the daemon.</summary>
    public void AddRouteExternally(string destination, uint table, byte protocol, string device)
    {
        var (ip, prefix) = Parse(destination);
        lock (_gate)
        {
            _routes.Add(new KernelRoute(ip, prefix, table, protocol, _interfaces[device].Index));
        }
    }

    /// <summary>Someone (`ip route del`) removes a route behind the daemon's back.</summary>
    public void RemoveRouteExternally(string destination, uint table)
    {
        var (ip, prefix) = Parse(destination);
        lock (_gate)
        {
            _routes.RemoveAll(r => r.Destination.Equals(ip) && r.PrefixLength == prefix && r.Table == table);
        }
    }

    IReadOnlyList<KernelRoute> IRoutes.List(uint table, byte protocol)
    {
        lock (_gate)
        {
            return [.. _routes.Where(r => r.Table == table && r.Protocol == protocol)];
        }
    }

    bool IRoutes.Add(IPAddress destination, uint table, byte protocol, int outputInterface, bool local)
    {
        lock (_gate)
        {
            var prefix = destination.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
            if (_routes.Exists(r => r.Destination.Equals(destination) && r.PrefixLength == prefix && r.Table == table))
            {
                return false;
            }

            _routes.Add(new KernelRoute(destination, prefix, table, protocol, outputInterface));
            _effects.Add($"route add {(local ? "local " : "")}{destination}/{prefix} table {table} proto {protocol} dev {NameOf(outputInterface)}");
            return true;
        }
    }

    bool IRoutes.Delete(IPAddress destination, uint table, byte protocol, int outputInterface, bool local)
    {
        lock (_gate)
        {
            var prefix = destination.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
            if (_routes.RemoveAll(r => r.Destination.Equals(destination) && r.PrefixLength == prefix && r.Table == table && r.Protocol == protocol) == 0)
            {
                return false;
            }

            _effects.Add($"route del {destination}/{prefix} table {table}");
            return true;
        }
    }

    private string NameOf(int index) => _interfaces.Values.FirstOrDefault(i => i.Index == index)?.Name ?? $"ifindex {index}";

    /// <summary>Adds an interface, up, with addresses such as "198.18.0.1/24".</summary>
    public void AddInterface(string name, params string[] addresses)
    {
        lock (_gate)
        {
            var index = _interfaces.Count + 1; // 1 is lo
            var mac = new PhysicalAddress([0x02, 0, 0, 0, 0, (byte)index]);
            _interfaces[name] = new Interface(index, name, mac, [.. addresses.Select(Parse)]) { Up = true };
        }
    }

    /// <summary>`ip link set NAME mtu N` (before the director reads the link).</summary>
    public void SetMtu(string name, int mtu)
    {
        lock (_gate)
        {
            _interfaces[name].Mtu = mtu;
        }
    }

    /// <summary>The carrier comes or goes (`ip link set … down`): watchers hear it.</summary>
    public void SetLink(string name, bool up)
    {
        List<Channel<LinkEvent>> watchers;
        LinkEvent change;
        lock (_gate)
        {
            _interfaces[name].Up = up;
            change = new LinkEvent(name, LinkOf(_interfaces[name]));
            watchers = [.. _watches.Where(w => w.Name == name).Select(w => w.Events)];
        }

        watchers.ForEach(w => w.Writer.TryWrite(change));
    }

    /// <summary>
    /// Someone else (`ip addr del`, NetworkManager) removes an address such as "198.18.0.100/32": watchers hear it, unless
    /// <paramref name="notify"/> is false (the moment before the notification arrives, or a notification lost).
    /// </summary>
    public void RemoveAddressExternally(string name, string address, bool notify = true)
    {
        var (ip, prefix) = Parse(address);
        lock (_gate)
        {
            var link = _interfaces[name];
            if (link.Addresses.RemoveAll(a => a.Address.Equals(ip) && a.Prefix == prefix) == 0)
            {
                throw new InvalidOperationException($"{address} is not on {name}");
            }

            if (notify)
            {
                NotifyRemovedLocked(link, ip, prefix);
            }
        }
    }

    /// <summary>The next <paramref name="count"/> gratuitous ARP sends fail as a stale pcap handle does ("Network is down").</summary>
    public void FailArpSends(int count)
    {
        lock (_gate)
        {
            _arpFailures = count;
        }
    }

    /// <summary>How many GARP senders were opened (a reopen after a failed send adds one).</summary>
    public int ArpOpens
    {
        get
        {
            lock (_gate)
            {
                return _arpOpens;
            }
        }
    }

    /// <summary>The number of address watches running (a test waits for the service's before it removes a VIP).</summary>
    public int AddressWatches
    {
        get
        {
            lock (_gate)
            {
                return _addressWatches.Count;
            }
        }
    }

    /// <summary>The interface's addresses as "198.18.0.1/24".</summary>
    public IReadOnlyList<string> AddressesOf(string name)
    {
        lock (_gate)
        {
            return [.. _interfaces[name].Addresses.Select(a => $"{a.Address}/{a.Prefix}")];
        }
    }

    /// <summary>The VRRP socket opened on the interface (the last one, after a reload re-opened it); IPv6: its IPv6 one.</summary>
    public FakeVrrpSocket Socket(string name, AddressFamily family = AddressFamily.InterNetwork)
    {
        lock (_gate)
        {
            return _sockets[SocketKey(name, family)];
        }
    }

    private static string SocketKey(string name, AddressFamily family) => family == AddressFamily.InterNetworkV6 ? name + "/6" : name;

    public void SetSysctl(string path, string value)
    {
        lock (_gate)
        {
            _sysctls[path] = value;
        }
    }

    /// <summary>Writes to the sysctl fail as under systemd's ProtectKernelTunables=yes (/proc/sys bound read-only).</summary>
    public void MakeSysctlReadOnly(string path)
    {
        lock (_gate)
        {
            _readOnlySysctls.Add(path);
        }
    }

    public string? SysctlOf(string path)
    {
        lock (_gate)
        {
            return _sysctls.GetValueOrDefault(path);
        }
    }

    public void Record(string effect)
    {
        lock (_gate)
        {
            _effects.Add(effect);
        }
    }

    public IIpvsKernel OpenIpvs() => new FakeIpvsConnection(Ipvs, Record);

    public IVrrpSocket OpenVrrpSocket(string interfaceName, int interfaceIndex, AddressFamily family)
    {
        var socket = new FakeVrrpSocket(interfaceName, Record);
        lock (_gate)
        {
            _sockets[SocketKey(interfaceName, family)] = socket;
        }

        return socket;
    }

    public IArpSender OpenArpSender(string interfaceName)
    {
        lock (_gate)
        {
            _arpOpens++;
            return new ArpSender(interfaceName, _interfaces[interfaceName].Mac, Record, TakeArpFailure);
        }
    }

    public IArpListener OpenArpListener(string interfaceName, int interfaceIndex)
    {
        Interlocked.Increment(ref _arpListenerOpens);
        return new ArpListener(ArpFrames(interfaceName), () => TakeListenerFailure(interfaceName));
    }

    /// <summary>The next <paramref name="count"/> reads of <paramref name="interfaceName"/>'s ARP watch fail as a packet socket on a downed link does.</summary>
    public void FailArpListener(string interfaceName, int count)
    {
        lock (_gate)
        {
            _listenerFailures[interfaceName] = count;
        }

        ArpFrames(interfaceName).Add(ArpListener.SocketError); // a socket error wakes its blocked reader
    }

    /// <summary>How many ARP or neighbour-discovery listeners were opened (a reopen after a failure adds one).</summary>
    public int ArpListenerOpens => Volatile.Read(ref _arpListenerOpens);

    private bool TakeListenerFailure(string interfaceName)
    {
        lock (_gate)
        {
            if (!_listenerFailures.TryGetValue(interfaceName, out var left) || left == 0)
            {
                return false;
            }

            _listenerFailures[interfaceName] = left - 1;
            return true;
        }
    }

    public IArpListener OpenNeighbourListener(string interfaceName, int interfaceIndex)
    {
        Interlocked.Increment(ref _arpListenerOpens);
        return new ArpListener(ArpFrames(interfaceName + " (IPv6)"), () => TakeListenerFailure(interfaceName + " (IPv6)"));
    }

    /// <summary>An ARP frame arriving on <paramref name="interfaceName"/> (queued until the daemon's ARP watch reads it).</summary>
    public void ReceiveArp(string interfaceName, byte[] frame) => ArpFrames(interfaceName).Add(frame);

    /// <summary>A neighbour solicitation or advertisement arriving on <paramref name="interfaceName"/> (for the IPv6 watch).</summary>
    public void ReceiveNeighbourDiscovery(string interfaceName, byte[] frame) => ArpFrames(interfaceName + " (IPv6)").Add(frame);

    private System.Collections.Concurrent.BlockingCollection<byte[]> ArpFrames(string interfaceName)
    {
        lock (_gate)
        {
            if (!_arpFrames.TryGetValue(interfaceName, out var frames))
            {
                frames = [];
                _arpFrames[interfaceName] = frames;
            }

            return frames;
        }
    }

    /// <summary>The kernel's IPVS connection table, as /proc/net/ip_vs_conn_sync would show it.</summary>
    public List<IpvsConnection> IpvsConnections { get; } = [];

    /// <summary>Every batch of sync datagrams sent, with its interface.</summary>
    public List<(string Interface, IReadOnlyList<byte[]> Datagrams)> SyncSent { get; } = [];

    public IReadOnlyList<IpvsConnection> ReadIpvsConnections(Func<IpvsProtocol, ushort, bool, bool> keep, Func<IpvsConnection, bool> wanted)
    {
        lock (_gate)
        {
            return [.. IpvsConnections.Where(c => keep(c.Protocol, c.State, c.Local) && wanted(c))];
        }
    }

    public void SendIpvsSync(string interfaceName, IReadOnlyList<byte[]> datagrams)
    {
        lock (_gate)
        {
            SyncSent.Add((interfaceName, datagrams));
            _effects.Add($"sync {datagrams.Count} datagrams on {interfaceName}");
        }
    }

    public IDisposable OpenSilentListener(IPEndPoint endPoint)
    {
        lock (_gate)
        {
            if (BusyEndPoints.Contains(endPoint) || !_listeners.Add(endPoint))
            {
                throw new LinuxErrorException(Errno.EADDRINUSE, $"listen on {endPoint}");
            }

            _effects.Add($"listen {endPoint}");
        }

        return new Listener(this, endPoint);
    }

    LinkInfo? ILinks.GetLink(string name)
    {
        lock (_gate)
        {
            return _interfaces.TryGetValue(name, out var link) ? LinkOf(link) : null;
        }
    }

    IReadOnlyList<InterfaceAddress> ILinks.ListAddresses(int interfaceIndex)
    {
        lock (_gate)
        {
            var link = ByIndex(interfaceIndex);
            return [.. link.Addresses.Select(a => new InterfaceAddress(interfaceIndex, a.Address, a.Prefix, link.Labels.GetValueOrDefault(a.Address), 0, 0))];
        }
    }

    bool ILinks.AddAddress(int interfaceIndex, IPAddress address, int prefixLength, string? label)
    {
        lock (_gate)
        {
            var link = ByIndex(interfaceIndex);
            if (link.Addresses.Exists(a => a.Address.Equals(address)))
            {
                return false;
            }

            link.Addresses.Add((address, prefixLength));
            if (label is not null)
            {
                link.Labels[address] = label;
            }

            _effects.Add(label is null ? $"add {address}/{prefixLength} {link.Name}" : $"add {address}/{prefixLength} {link.Name} label {label}");
            return true;
        }
    }

    bool ILinks.DeleteAddress(int interfaceIndex, IPAddress address, int prefixLength)
    {
        lock (_gate)
        {
            var link = ByIndex(interfaceIndex);
            if (link.Addresses.RemoveAll(a => a.Address.Equals(address) && a.Prefix == prefixLength) == 0)
            {
                return false;
            }

            link.Labels.Remove(address);
            _effects.Add($"del {address}/{prefixLength} {link.Name}");
            NotifyRemovedLocked(link, address, prefixLength);
            return true;
        }
    }

    async IAsyncEnumerable<LinkEvent> ILinks.WatchAsync(string interfaceName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<LinkEvent>();
        var watch = (interfaceName, events);
        LinkEvent now;
        lock (_gate)
        {
            _watches.Add(watch);
            now = new LinkEvent(interfaceName, _interfaces.TryGetValue(interfaceName, out var link) ? LinkOf(link) : null);
        }

        try
        {
            yield return now;
            while (await events.Reader.WaitToReadAsync(cancellationToken))
            {
                while (events.Reader.TryRead(out var change))
                {
                    yield return change;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _watches.Remove(watch);
            }
        }
    }

    async IAsyncEnumerable<InterfaceAddress?> ILinks.WatchAddressRemovalsAsync(int interfaceIndex,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<InterfaceAddress?>();
        var watch = (interfaceIndex, events);
        lock (_gate)
        {
            _addressWatches.Add(watch);
        }

        try
        {
            while (await events.Reader.WaitToReadAsync(cancellationToken))
            {
                while (events.Reader.TryRead(out var removed))
                {
                    yield return removed;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _addressWatches.Remove(watch);
            }
        }
    }

    void ILinks.WarmUp()
    {
    }

    private void NotifyRemovedLocked(Interface link, IPAddress address, int prefix)
    {
        var removed = new InterfaceAddress(link.Index, address, prefix, null, 0, 0);
        foreach (var watch in _addressWatches.Where(w => w.Index == link.Index))
        {
            watch.Events.Writer.TryWrite(removed);
        }
    }

    private bool TakeArpFailure()
    {
        lock (_gate)
        {
            if (_arpFailures == 0)
            {
                return false;
            }

            _arpFailures--;
            return true;
        }
    }

    /// <summary>The number of link watches running (a test waits for the service's before it flaps a link).</summary>
    public int Watches
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    string ISysctls.Read(string path)
    {
        lock (_gate)
        {
            return _sysctls.TryGetValue(path, out var value) ? value : throw new FileNotFoundException($"/proc/sys/{path}");
        }
    }

    void ISysctls.Write(string path, string value)
    {
        lock (_gate)
        {
            if (!_sysctls.ContainsKey(path))
            {
                throw new FileNotFoundException($"/proc/sys/{path}");
            }

            if (_readOnlySysctls.Contains(path))
            {
                throw new IOException("Read-only file system : '/proc/sys/" + path + "'");
            }

            _sysctls[path] = value;
            _effects.Add($"sysctl {path}={value}");
        }
    }

    void IKernelModules.Load(string module) => Record($"modprobe {module}");

    private Interface ByIndex(int index) =>
        _interfaces.Values.FirstOrDefault(i => i.Index == index) ?? throw new LinuxErrorException(Errno.ENODEV, $"ifindex {index}");

    private static LinkInfo LinkOf(Interface link) => new(link.Index, link.Name, link.Mac,
        link.Up ? RouteConstants.LinkFlagUp | RouteConstants.LinkFlagRunning | RouteConstants.LinkFlagLowerUp : 0, link.Mtu,
        link.Up ? LinkOperState.Up : LinkOperState.Down);

    private static (IPAddress Address, int Prefix) Parse(string address)
    {
        var slash = address.IndexOf('/');
        return (IPAddress.Parse(address[..slash]), int.Parse(address[(slash + 1)..]));
    }

    private sealed class Interface(int index, string name, PhysicalAddress mac, List<(IPAddress Address, int Prefix)> addresses)
    {
        public int Index => index;

        public string Name => name;

        public PhysicalAddress Mac => mac;

        public List<(IPAddress Address, int Prefix)> Addresses => addresses;

        /// <summary>IFA_LABEL of the addresses added with one.</summary>
        public Dictionary<IPAddress, string> Labels { get; } = [];

        public bool Up { get; set; }

        public int Mtu { get; set; } = 1500;
    }

    /// <summary>Records the VIP each gratuitous ARP announces (the ARP sender protocol address, frame bytes 28..31).</summary>
    private sealed class ArpSender(string name, PhysicalAddress mac, Action<string> record, Func<bool> fail) : IArpSender
    {
        public PhysicalAddress MacAddress => mac;

        public void Send(ReadOnlySpan<byte> frame)
        {
            if (fail())
            {
                throw new IOException("send: Network is down");
            }

            // An IPv6 VIP is announced by an unsolicited neighbour advert: its target address at frame bytes 62..77.
            record(frame[12] == 0x86 && frame[13] == 0xdd ? $"na {name} {new IPAddress(frame[62..78])}" : $"garp {name} {new IPAddress(frame[28..32])}");
        }

        public void Dispose()
        {
        }
    }

    private sealed class ArpListener(System.Collections.Concurrent.BlockingCollection<byte[]> frames, Func<bool> fail) : IArpListener
    {
        /// <summary>Queued by <see cref="FailArpListener"/>: not a frame, the wake-up a failing socket gives its reader.</summary>
        public static readonly byte[] SocketError = [];

        private readonly CancellationTokenSource _stop = new();

        public int? Receive(Span<byte> buffer, TimeSpan timeout)
        {
            while (true)
            {
                if (fail())
                {
                    throw new IOException("recv: Network is down");
                }

                byte[] frame;
                try
                {
                    if (!frames.TryTake(out frame!, timeout == Timeout.InfiniteTimeSpan ? -1 : (int)timeout.TotalMilliseconds, _stop.Token))
                    {
                        return null;
                    }
                }
                catch (OperationCanceledException)
                {
                    return null;
                }

                if (!ReferenceEquals(frame, SocketError))
                {
                    frame.CopyTo(buffer);
                    return frame.Length;
                }
            }
        }

        public void StopReceiving() => _stop.Cancel();

        public void Dispose() => _stop.Cancel();
    }

    private sealed class Listener(FakeKernel kernel, IPEndPoint endPoint) : IDisposable
    {
        public void Dispose()
        {
            lock (kernel._gate)
            {
                if (kernel._listeners.Remove(endPoint))
                {
                    kernel._effects.Add($"unlisten {endPoint}");
                }
            }
        }
    }
}
