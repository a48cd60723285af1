using System.Net;
using System.Net.Sockets;
using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Ipvs;

/// <summary>
/// Our request for each captured ipvsadm command, compared with what ipvsadm 1.31 sent (and the kernel
/// accepted). Where ipvsadm sends the same message we must match it byte for byte (sequence and port id
/// masked). Where it sends more, every attribute we send must be there with the same value, and each
/// one we leave out must be one the kernel ignores for that command (ip_vs_ctl.c parses the service
/// nest of destination and delete commands and the destination of DEL_DEST with full_entry=false, reads
/// only STATE for DEL_DAEMON, and tunnel attributes matter only for tunnel destinations).
/// </summary>
public class IpvsadmFixtureRequestTests
{
    private static readonly IpvsService Web = IpvsService.ForAddress(IPAddress.Parse("198.18.0.10"), 80);
    private static readonly string[] ServiceSettings = ["1/6", "1/7", "1/8", "1/9"];
    private static readonly string[] TunnelAttributes = ["2/13", "2/14", "2/15"];

    private static readonly Dictionary<string, (Action<NetlinkWriter, ushort> Write, string[] KernelIgnores)> Cases = new()
    {
        ["add-service-tcp-wlc.txt"] = ((w, f) => IpvsRequests.Service(w, f, IpvsKernel.Command.NewService, Web), []),
        ["edit-service.txt"] = ((w, f) => IpvsRequests.Service(w, f, IpvsKernel.Command.SetService, Web with { Scheduler = "rr" }), []),
        ["delete-service.txt"] = ((w, f) => IpvsRequests.Service(w, f, IpvsKernel.Command.DelService, Web), ServiceSettings),
        ["add-service-udp.txt"] = ((w, f) => IpvsRequests.Service(w, f, IpvsKernel.Command.NewService, Udp(53)), []),
        ["add-service-udp-oneshot.txt"] = ((w, f) => IpvsRequests.Service(w, f, IpvsKernel.Command.NewService, Udp(514) with { Flags = IpvsServiceFlags.OnePacket }), []),
        ["add-service-fwmark.txt"] = ((w, f) => IpvsRequests.Service(w, f, IpvsKernel.Command.NewService, IpvsService.ForFirewallMark(5)), []),
        ["add-service-persistent.txt"] = ((w, f) => IpvsRequests.Service(w, f, IpvsKernel.Command.NewService,
            Web with { Port = 443, Flags = IpvsServiceFlags.Persistent, Timeout = 300, NetmaskPrefixLength = 24 }), []),
        ["add-service-ipv6.txt"] = ((w, f) => IpvsRequests.Service(w, f, IpvsKernel.Command.NewService, IpvsService.ForAddress(IPAddress.Parse("2001:2::10"), 80)), []),
        ["add-dest-dr.txt"] = ((w, f) => IpvsRequests.Destination(w, f, IpvsKernel.Command.NewDest, Web, Dest("198.18.0.11", 80, 2, IpvsForwardingMethod.DirectRoute)),
            [.. ServiceSettings, .. TunnelAttributes]),
        ["add-dest-nat.txt"] = ((w, f) => IpvsRequests.Destination(w, f, IpvsKernel.Command.NewDest, Web, Dest("198.18.0.12", 8080, 1, IpvsForwardingMethod.Masquerade)),
            [.. ServiceSettings, .. TunnelAttributes]),
        ["add-dest-tun.txt"] = ((w, f) => IpvsRequests.Destination(w, f, IpvsKernel.Command.NewDest, Web, Dest("198.18.0.13", 80, 1, IpvsForwardingMethod.Tunnel)),
            [.. ServiceSettings, .. TunnelAttributes]),
        ["edit-dest-weight.txt"] = ((w, f) => IpvsRequests.Destination(w, f, IpvsKernel.Command.SetDest, Web, Dest("198.18.0.11", 80, 5, IpvsForwardingMethod.DirectRoute)),
            [.. ServiceSettings, .. TunnelAttributes]),
        ["delete-dest.txt"] = ((w, f) => IpvsRequests.Destination(w, f, IpvsKernel.Command.DelDest, Web, Dest("198.18.0.11", 80, 1, IpvsForwardingMethod.DirectRoute)),
            [.. ServiceSettings, .. TunnelAttributes, "2/3", "2/4", "2/5", "2/6"]),
        ["start-daemon.txt"] = ((w, f) => IpvsRequests.NewDaemon(w, f, new IpvsSyncDaemon { State = IpvsSyncState.Master, InterfaceName = "lo", SyncId = 7 }), []),
        ["stop-daemon.txt"] = ((w, f) => IpvsRequests.DelDaemon(w, f, IpvsSyncState.Master), ["3/2", "3/3"]),
        ["list-daemon.txt"] = ((w, f) => IpvsRequests.DumpDaemons(w, f), []),
        ["set-timeouts.txt"] = ((w, f) => IpvsRequests.SetTimeouts(w, f, new IpvsTimeouts(900, 120, 300)), []),
        ["list-timeouts.txt"] = ((w, f) => IpvsRequests.Command(w, f, IpvsKernel.Command.GetConfig), []),
        ["get-info.txt"] = ((w, f) => IpvsRequests.DumpServices(w, f), []),
        ["list-services.txt"] = ((w, f) => IpvsRequests.DumpDestinations(w, f, Udp(53)), []),
        ["zero-counters.txt"] = ((w, f) => IpvsRequests.Zero(w, f, null), []),
        ["flush.txt"] = ((w, f) => IpvsRequests.Command(w, f, IpvsKernel.Command.Flush), []),
    };

    public static TheoryData<string> Files => [.. Cases.Keys];

    [IpvsadmFixtureTheory]
    [MemberData(nameof(Files))]
    public void Request_MatchesWhatIpvsadmSent(string file)
    {
        var captured = IpvsadmFixtures.OperationRequest(file);
        var (write, kernelIgnores) = Cases[file];
        var writer = new NetlinkWriter();
        write(writer, captured.Type); // the family id of that capture
        var ours = writer.WrittenSpan.ToArray();

        var theirHeader = NetlinkHeader.Read(captured.Bytes);
        var ourHeader = NetlinkHeader.Read(ours);
        Assert.Equal(theirHeader.Type, ourHeader.Type);
        Assert.Equal(captured.Bytes[16..18], ours[16..18]); // genl command and version

        // libipvs asks for an ACK on dumps too; the kernel never sends one for a dump, so we don't ask.
        var isDump = (ourHeader.Flags & NetlinkFlags.Dump) == NetlinkFlags.Dump;
        var ackMask = isDump ? unchecked((ushort)~NetlinkFlags.Ack) : ushort.MaxValue;
        Assert.Equal(theirHeader.Flags & ackMask, ourHeader.Flags & ackMask);

        var theirs = Leaves(captured.Bytes);
        var ourLeaves = Leaves(ours);
        Assert.All(ourLeaves, leaf => Assert.Equal(theirs.GetValueOrDefault(leaf.Key, "(missing)"), leaf.Value));
        Assert.Equal(kernelIgnores.Order(), theirs.Keys.Except(ourLeaves.Keys).Order());

        if (kernelIgnores.Length == 0 && !isDump)
        {
            Assert.Equal(Hex.Format(Masked(captured.Bytes)), Hex.Format(Masked(ours)));
        }
    }

    private static IpvsService Udp(ushort port) => Web with { Protocol = IpvsProtocol.Udp, Port = port, Scheduler = "rr" };

    private static IpvsDestination Dest(string address, ushort port, uint weight, IpvsForwardingMethod forwarding) =>
        IpvsDestination.Create(IPAddress.Parse(address), port, weight, forwarding);

    /// <summary>Every non-nest attribute as "outer/inner" path → value hex.</summary>
    private static Dictionary<string, string> Leaves(byte[] message)
    {
        var leaves = new Dictionary<string, string>();
        var reader = new NetlinkMessageReader(message);
        Assert.True(reader.MoveNext());
        Collect(reader.Current.GenericAttributes, string.Empty, leaves);
        return leaves;
    }

    private static void Collect(NetlinkAttributeReader attributes, string prefix, Dictionary<string, string> leaves)
    {
        foreach (var attribute in attributes)
        {
            var path = prefix + attribute.Type;
            if (attribute.IsNested)
            {
                Collect(attribute.Nested, path + "/", leaves);
            }
            else
            {
                leaves[path] = Hex.Format(attribute.Value);
            }
        }
    }

    private static byte[] Masked(byte[] message)
    {
        var copy = (byte[])message.Clone();
        copy.AsSpan(8, 8).Clear(); // nlmsg_seq, nlmsg_pid
        return copy;
    }
}
