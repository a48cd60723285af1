using System.Net;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Genetlink;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Ipvs;

public class IpvsClientTests
{
    private static readonly IpvsService Web = IpvsService.ForAddress(IPAddress.Parse("198.18.0.10"), 80);

    [Fact]
    public void AddService_Duplicate_SaysItAlreadyExists()
    {
        using var client = new IpvsClient(new FakeNetlinkConnection { Answer = _ => (Errno.EEXIST, null) }, 0x1b);

        var ex = Assert.Throws<IpvsErrorException>(() => client.AddService(Web));

        Assert.Equal("service 198.18.0.10:80/tcp already exists (EEXIST)", ex.Message);
        Assert.Equal(Errno.EEXIST, ex.Errno);
        Assert.Equal(IpvsOperationKind.AddService, ex.Request!.Kind);
    }

    [Fact]
    public void AddService_UnknownScheduler_NamesTheScheduler()
    {
        using var client = new IpvsClient(new FakeNetlinkConnection { Answer = _ => (Errno.ENOENT, null) }, 0x1b);

        var ex = Assert.Throws<IpvsErrorException>(() => client.AddService(Web with { Scheduler = "wlcx" }));

        Assert.Equal("scheduler 'wlcx' is not loaded in this kernel (ENOENT)", ex.Message);
    }

    [Fact]
    public void UpdateDestination_Missing_SaysWhichRealServerAndAddsKernelText()
    {
        using var client = new IpvsClient(new FakeNetlinkConnection { Answer = _ => (Errno.ENOENT, "no such destination") }, 0x1b);

        var ex = Assert.Throws<IpvsErrorException>(() =>
            client.UpdateDestination(Web, IpvsDestination.Create(IPAddress.Parse("198.18.1.2"), 80)));

        Assert.Equal("real server 198.18.1.2:80 is not in service 198.18.0.10:80/tcp (ENOENT); kernel says: no such destination", ex.Message);
        Assert.Equal("no such destination", ex.KernelMessage);
    }

    [Fact]
    public void DeleteService_Missing_IsEsrch()
    {
        using var client = new IpvsClient(new FakeNetlinkConnection { Answer = _ => (Errno.ESRCH, null) }, 0x1b);

        var ex = Assert.Throws<IpvsErrorException>(() => client.DeleteService(Web));

        Assert.Equal("service 198.18.0.10:80/tcp does not exist (ESRCH)", ex.Message);
    }

    [Fact]
    public void GetService_Missing_IsNull()
    {
        using var client = new IpvsClient(new FakeNetlinkConnection { Answer = _ => (Errno.ESRCH, null) }, 0x1b);

        Assert.Null(client.GetService(Web));
    }

    [Fact]
    public void StartDaemon_Running_MessageNamesTheCommand()
    {
        using var client = new IpvsClient(new FakeNetlinkConnection { Answer = _ => (Errno.EEXIST, null) }, 0x1b);

        var ex = Assert.Throws<IpvsErrorException>(() => client.StartDaemon(new IpvsSyncDaemon { State = IpvsSyncState.Master, InterfaceName = "eth0" }));

        Assert.Equal("start master sync daemon on eth0 failed: File exists (EEXIST)", ex.Message);
        Assert.Null(ex.Request);
    }

    [Fact]
    public void Edits_Permission_SaysCapNetAdmin()
    {
        using var client = new IpvsClient(new FakeNetlinkConnection { Answer = _ => (Errno.EPERM, null) }, 0x1b);

        var ex = Assert.Throws<IpvsErrorException>(client.Flush);

        Assert.Equal("flush the IPVS table failed: Operation not permitted (EPERM); programming IPVS needs CAP_NET_ADMIN", ex.Message);
    }

    [Fact]
    public void Execute_Batch_EachOperationGetsItsOwnResultAndFailuresDoNotStopOthers()
    {
        var existing = IPAddress.Parse("198.18.1.3").GetAddressBytes();
        var fake = new FakeNetlinkConnection
        {
            // The kernel would refuse 198.18.1.3 (already there) and any edit of service port 81 (absent).
            Answer = request =>
                request.AsSpan().IndexOf(existing) >= 0 ? (Errno.EEXIST, null)
                : request.AsSpan().IndexOf(new byte[] { 0x06, 0, 0x04, 0, 0, 81 }) >= 0 ? (Errno.ESRCH, null)
                : (0, null),
        };
        using var client = new IpvsClient(fake, 0x1b);
        var other = Web with { Port = 81 };
        var batch = new IpvsBatch()
            .AddService(Web)
            .AddDestination(Web, IpvsDestination.Create(IPAddress.Parse("198.18.1.2"), 80))
            .AddDestination(Web, IpvsDestination.Create(IPAddress.Parse("198.18.1.3"), 80))
            .UpdateService(other)
            .DeleteDestination(Web, IpvsDestination.Create(IPAddress.Parse("198.18.1.4"), 80));

        var results = client.Execute(batch);

        Assert.Equal([true, true, false, false, true], results.Select(r => r.Succeeded));
        Assert.Equal("real server 198.18.1.3:80 already exists in service 198.18.0.10:80/tcp (EEXIST)", results[2].Error!.Message);
        Assert.Equal("service 198.18.0.10:81/tcp does not exist (ESRCH)", results[3].Error!.Message);
        Assert.Same(batch.Operations[4], results[4].Operation);
        Assert.All(fake.Requests, r => Assert.Equal(0x1b, BitConverter.ToUInt16(r, 4))); // every message carries the family id
        Assert.Equal(
            [IpvsKernel.Command.NewService, IpvsKernel.Command.NewDest, IpvsKernel.Command.NewDest, IpvsKernel.Command.SetService, IpvsKernel.Command.DelDest],
            fake.Requests.Select(r => r[16]));
    }

    [Fact]
    public void Execute_EmptyBatch_SendsNothing()
    {
        var fake = new FakeNetlinkConnection();
        using var client = new IpvsClient(fake, 0x1b);

        Assert.Empty(client.Execute(new IpvsBatch()));
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public void Batch_DestinationKindWithoutDestination_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new IpvsBatch().Add(new IpvsOperation(IpvsOperationKind.AddDestination, Web)));
    }

    [Fact]
    public void Create_FamilyMissing_ExplainsThatTheKernelHasNoIpvsAndClosesTheSocket()
    {
        var fake = new FakeNetlinkConnection { Answer = _ => (Errno.ENOENT, null) };

        var ex = Assert.Throws<GenericNetlinkFamilyNotFoundException>(() => IpvsClient.Create(fake));

        Assert.Equal("the kernel has no IPVS (genetlink family 'IPVS' not found)", ex.Message);
        Assert.Equal(Errno.ENOENT, ex.Errno);
        Assert.True(fake.Disposed);
    }

    [Fact]
    public void Create_FamilyFound_UsesItsId()
    {
        var reply = """
            28000000 1000 0000 01000000 00000000 01 02 0000
            0900 0200 49505653 00 000000
            0600 0100 2300 0000
            """;
        var fake = new FakeNetlinkConnection { Replies = _ => Hex.Parse(reply) };

        using var client = IpvsClient.Create(fake);

        Assert.Equal(0x23, client.FamilyId);
    }
}
