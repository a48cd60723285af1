using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Ipvs;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class TakeoverGraceTests
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private readonly FakeTimeProvider _time = new();
    private readonly List<Listener> _listeners = [];
    private readonly HashSet<int> _busyPorts = [];

    private TakeoverGrace Create(TimeSpan grace) => new(grace, _time, Open, NullLogger<TakeoverGrace>.Instance);

    private Listener Open(IPEndPoint endPoint)
    {
        if (_busyPorts.Contains(endPoint.Port))
        {
            throw new InvalidOperationException("address in use");
        }

        var listener = new Listener(endPoint);
        _listeners.Add(listener);
        return listener;
    }

    private static ServiceKey Tcp(int port) => new(AddressFamily.InterNetwork, IpvsProtocol.Tcp, Vip, (ushort)port, 0);

    private IEnumerable<IPEndPoint> OpenNow => _listeners.Where(l => !l.Disposed).Select(l => l.EndPoint);

    [Fact]
    public void Begin_TcpServicesHeldForTheGrace_ThenReleased()
    {
        var grace = Create(TimeSpan.FromSeconds(3));
        ServiceKey[] services =
        [
            Tcp(80),
            Tcp(443),
            new(AddressFamily.InterNetwork, IpvsProtocol.Udp, Vip, 53, 0),     // UDP: IPVS schedules any datagram
            new(AddressFamily.InterNetwork, default, null, 0, 7),              // fwmark: no one address
            Tcp(0),                                                            // persistent all-ports service
        ];

        grace.Begin("web", services);
        grace.Arm("web");

        Assert.Equal([new IPEndPoint(Vip, 80), new IPEndPoint(Vip, 443)], OpenNow);
        _time.Advance(TimeSpan.FromSeconds(2.99));
        Assert.Equal(2, grace.OpenListeners);
        _time.Advance(TimeSpan.FromSeconds(0.01));
        Assert.Empty(OpenNow);
        Assert.Equal(0, grace.OpenListeners);
    }

    [Fact]
    public void Begin_HeldUntilArmed_WhileTheServicesAreProgrammed()
    {
        var grace = Create(TimeSpan.FromSeconds(3));
        grace.Begin("web", [Tcp(80)]);

        _time.Advance(TimeSpan.FromSeconds(10)); // programming took long: the grace has not started yet
        Assert.Single(OpenNow);
        grace.Arm("web");
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(OpenNow);
    }

    [Fact]
    public void WarmUp_OpensAndClosesOneLoopbackListener()
    {
        Create(TimeSpan.FromSeconds(3)).WarmUp();

        var listener = Assert.Single(_listeners);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 0), listener.EndPoint);
        Assert.True(listener.Disposed);
    }

    [Fact]
    public void End_LeavingMasterEarly_ReleasesAtOnce()
    {
        var grace = Create(TimeSpan.FromSeconds(3));
        grace.Begin("web", [Tcp(80)]);
        grace.Arm("web");
        grace.Begin("api", [Tcp(8080)]);
        grace.Arm("api");

        grace.End("web");

        Assert.Equal([new IPEndPoint(Vip, 8080)], OpenNow);
    }

    [Fact]
    public void Begin_SecondTakeoverBeforeTheFirstGraceEnds_GetsItsOwnFullGrace()
    {
        var grace = Create(TimeSpan.FromSeconds(3));
        grace.Begin("web", [Tcp(80)]);
        grace.Arm("web");
        _time.Advance(TimeSpan.FromSeconds(2));
        grace.End("web");
        grace.Begin("web", [Tcp(80)]);
        grace.Arm("web");

        _time.Advance(TimeSpan.FromSeconds(1.5)); // the first window's timer would have fired here
        Assert.Single(OpenNow);
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Empty(OpenNow);
    }

    [Fact]
    public void Begin_OnePortTakenLocally_OthersStillHeld()
    {
        _busyPorts.Add(80);
        var grace = Create(TimeSpan.FromSeconds(3));

        grace.Begin("web", [Tcp(80), Tcp(443)]);
        grace.Arm("web");

        Assert.Equal([new IPEndPoint(Vip, 443)], OpenNow);
    }

    [Fact]
    public void Begin_GraceZero_OpensNothing()
    {
        var grace = Create(TimeSpan.Zero);

        grace.Begin("web", [Tcp(80)]);
        grace.Arm("web");
        grace.WarmUp();

        Assert.Empty(_listeners);
    }

    [Fact]
    public void EndAll_Stopping_ReleasesEveryInstance()
    {
        var grace = Create(TimeSpan.FromSeconds(3));
        grace.Begin("web", [Tcp(80)]);
        grace.Arm("web");
        grace.Begin("api", [Tcp(8080)]);
        grace.Arm("api");

        grace.EndAll();

        Assert.Empty(OpenNow);
        Assert.Equal(2, _listeners.Count);
    }

    private sealed class Listener(IPEndPoint endPoint) : IDisposable
    {
        public IPEndPoint EndPoint => endPoint;

        public bool Disposed { get; private set; }

        public void Dispose()
        {
            Assert.False(Disposed, "a listener was closed twice");
            Disposed = true;
        }
    }
}
