using System.Net.Sockets;
using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Netlink.Connector;
using HaDirector.Linux.Netlink.Genetlink;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Linux.Netlink.Route;

namespace HaDirector.Fuzz.Harnesses;

/// <summary>
/// One received netlink datagram through every reader the daemon points at kernel replies: the message walk, ACK/DONE
/// (extended ACK TLVs), the genetlink family look-up, the IPVS dumps (services, destinations, sync daemons, info,
/// timeouts, as IpvsClient reads them), rtnetlink links and addresses (the monitors' decoders) and proc connector events.
/// The readers' contract for bytes they cannot trust is <see cref="InvalidDataException"/> (NetlinkSocket fails the
/// request with it); any other exception is a finding.
/// </summary>
internal sealed class NetlinkHarness : IHarness
{
    public string Name => "netlink";

    public IReadOnlyList<string> Assemblies => ["HaDirector.Linux.dll"];

    public void Run(ReadOnlySpan<byte> data)
    {
        Guard(data, static d => LinkMonitor.Decode(d, "eth0"));
        Guard(data, static d => AddressMonitor.Decode(d, 2));
        Guard(data, static d => ProcEventMonitor.Decode(d));
        Guard(data, static d =>
        {
            foreach (var message in new NetlinkMessageReader(d))
            {
                Each(message);
            }
        });
    }

    private static void Each(NetlinkMessage message)
    {
        switch (message.Header.Type)
        {
            case NetlinkMessageType.Error or NetlinkMessageType.Done:
                NetlinkAck.Parse(message);
                return;
            case RouteConstants.NewLink or RouteConstants.DelLink:
                // rtnetlink and nlctrl share type 16 (RTM_NEWLINK, GENL_ID_CTRL): read it as both.
                Guard(message, static m => RouteCodec.ParseLink(m));
                Guard(message, static m => GenericNetlinkCodec.ParseFamily(m));
                return;
            case RouteConstants.NewAddr or RouteConstants.DelAddr:
                RouteCodec.ParseAddress(message);
                return;
        }

        // Anything else as an IPVS reply: IpvsClient.Collect and the GET_INFO / GET_CONFIG readers.
        GenericNetlinkHeader.Read(message.Payload);
        foreach (var attribute in message.GenericAttributes)
        {
            switch (attribute.Type)
            {
                case IpvsKernel.CommandAttr.Service:
                    IpvsServiceCodec.Read(attribute.Nested);
                    break;
                case IpvsKernel.CommandAttr.Dest:
                    Guard(attribute.Value, static v => IpvsDestinationCodec.Read(new NetlinkAttributeReader(v), AddressFamily.InterNetwork));
                    IpvsDestinationCodec.Read(attribute.Nested, AddressFamily.InterNetworkV6);
                    break;
                case IpvsKernel.CommandAttr.Daemon:
                    IpvsDaemonCodec.Read(attribute.Nested);
                    break;
                default:
                    if (attribute.Value.Length >= 4)
                    {
                        attribute.GetU32();
                    }

                    break;
            }
        }
    }

    private delegate void SpanAction(ReadOnlySpan<byte> data);

    private delegate void MessageAction(NetlinkMessage message);

    private static void Guard(ReadOnlySpan<byte> data, SpanAction action)
    {
        try
        {
            action(data);
        }
        catch (InvalidDataException)
        {
        }
    }

    private static void Guard(NetlinkMessage message, MessageAction action)
    {
        try
        {
            action(message);
        }
        catch (InvalidDataException)
        {
        }
    }
}
