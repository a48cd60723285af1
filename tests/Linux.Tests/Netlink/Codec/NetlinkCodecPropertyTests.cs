using System.Net;
using System.Net.Sockets;
using CsCheck;
using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Linux.Tests.Netlink.Codec;

/// <summary>
/// Round trips of the netlink writer and readers over generated input (CsCheck shrinks a failure to the smallest case):
/// messages of nested attribute trees, scalar accessors, and IPVS services and destinations inside a whole reply
/// message, read back the way IpvsClient reads a dump.
/// </summary>
public sealed class NetlinkCodecPropertyTests
{
    private const long Iterations = 1000;

    private static readonly string[] Schedulers = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"];

    private static readonly Gen<ushort> AttributeType = Gen.UShort[0, NetlinkAttribute.TypeMask];

    private static readonly Gen<Node> Trees = Tree(3);

    [Fact]
    public void WriteThenRead_MessagesOfAttributeTrees_SameMessagesAndTrees()
    {
        var messages = Gen.Select(Gen.UShort[NetlinkMessageType.MinType, ushort.MaxValue], Gen.UShort, Gen.UInt, Gen.Byte, Trees.Array[0, 6]).Array[1, 4];
        messages.Sample(list =>
        {
            var writer = new NetlinkWriter();
            foreach (var (type, flags, sequence, command, attributes) in list)
            {
                var start = writer.BeginMessage(type, flags, sequence);
                writer.WriteGenericHeader(command, 1);
                foreach (var node in attributes)
                {
                    node.Write(writer);
                }

                writer.EndMessage(start);
            }

            var index = 0;
            foreach (var message in new NetlinkMessageReader(writer.WrittenSpan))
            {
                var (type, flags, sequence, command, attributes) = list[index++];
                Assert.Equal((type, flags, sequence), (message.Header.Type, message.Header.Flags, message.Header.Sequence));
                Assert.Equal(command, GenericNetlinkHeader.Read(message.Payload).Command);
                Assert.Equal(attributes, Node.ReadAll(message.GenericAttributes));
            }

            Assert.Equal(list.Length, index);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void WriteThenGet_Scalars_SameValues()
    {
        Gen.Select(Gen.Byte, Gen.UShort, Gen.UInt, Gen.ULong, Gen.Char['\u0001', '\uD7FF'].Array[0, 40]).Sample((u8, u16, u32, u64, chars) =>
        {
            var text = new string(chars);
            var writer = new NetlinkWriter();
            writer.WriteU8(1, u8);
            writer.WriteU16(2, u16);
            writer.WriteU32(3, u32);
            writer.WriteU64(4, u64);
            writer.WriteBe16(5, u16);
            writer.WriteBe32(6, u32);
            writer.WriteString(7, text);

            var reader = new NetlinkAttributeReader(writer.WrittenSpan);
            Assert.True(reader.MoveNext());
            Assert.Equal(u8, reader.Current.GetU8());
            Assert.True(reader.MoveNext());
            Assert.Equal(u16, reader.Current.GetU16());
            Assert.True(reader.MoveNext());
            Assert.Equal(u32, reader.Current.GetU32());
            Assert.True(reader.MoveNext());
            Assert.Equal(u64, reader.Current.GetU64());
            Assert.True(reader.MoveNext());
            Assert.Equal(u16, reader.Current.GetBe16());
            Assert.True(reader.MoveNext());
            Assert.Equal(u32, reader.Current.GetBe32());
            Assert.True(reader.MoveNext());
            Assert.Equal(text, reader.Current.GetString());
            Assert.False(reader.MoveNext());
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void WriteThenReadReply_IpvsServices_SameServices()
    {
        Services.Array[0, 5].Sample(services =>
        {
            var writer = Reply(services, IpvsKernel.Command.NewService, (w, service) => IpvsServiceCodec.Write(w, service, keyOnly: false));

            Assert.Equal(services, ReadDump(writer, IpvsKernel.CommandAttr.Service, nest => IpvsServiceCodec.Read(nest).Service));
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void WriteThenReadReply_IpvsDestinations_SameDestinations()
    {
        Destinations.Array[0, 5].Sample(destinations =>
        {
            var writer = Reply(destinations, IpvsKernel.Command.NewDest, (w, destination) => IpvsDestinationCodec.Write(w, destination, keyOnly: false));

            // The service's family is not the destinations' own here: their ADDR_FAMILY must win (mixed-family LVS-DR).
            Assert.Equal(destinations, ReadDump(writer, IpvsKernel.CommandAttr.Dest, nest => IpvsDestinationCodec.Read(nest, AddressFamily.InterNetworkV6).Destination));
        }, iter: Iterations, threads: 1);
    }

    private static readonly Gen<AddressFamily> Families = Gen.OneOf(AddressFamily.InterNetwork, AddressFamily.InterNetworkV6);

    private static Gen<IPAddress> Address(AddressFamily family) =>
        Gen.Byte.Array[family == AddressFamily.InterNetwork ? 4 : 16].Select(b => new IPAddress(b));

    private static readonly Gen<IpvsService> Services = Families.SelectMany(family =>
    {
        var hostPrefix = family == AddressFamily.InterNetwork ? 32 : 128;
        var key = Gen.Frequency(
            (1, Gen.UInt[1, uint.MaxValue].Select(mark => IpvsService.ForFirewallMark(mark, family))),
            (3, Gen.Select(Address(family), Gen.UShort, Gen.OneOf(IpvsProtocol.Tcp, IpvsProtocol.Udp, IpvsProtocol.Sctp))
                .Select((address, port, protocol) => IpvsService.ForAddress(address, port, protocol))));
        var netmask = Gen.Frequency((2, Gen.Const((int?)null)), (1, Gen.Int[family == AddressFamily.InterNetworkV6 ? 1 : 0, hostPrefix - 1].Select(p => (int?)p)));
        return Gen.Select(key, Gen.OneOf(Schedulers), Gen.Int[0, 63], Gen.UInt, netmask, Gen.OneOf<string?>(null, "sip"))
            .Select((service, scheduler, flags, timeout, prefix, engine) => service with
            {
                Scheduler = scheduler,
                Flags = (IpvsServiceFlags)(flags & ~(int)IpvsServiceFlags.Hashed),
                Timeout = timeout,
                NetmaskPrefixLength = prefix,
                PersistenceEngine = engine,
            });
    });

    private static readonly Gen<IpvsDestination> Destinations = Families.SelectMany(family =>
        Gen.Select(Address(family), Gen.UShort, Gen.UInt[0, 65535], Gen.Int[0, 3], Gen.UInt, Gen.UInt,
            Gen.Select(Gen.Bool, Gen.Int[0, 2], Gen.UShort, Gen.UShort[0, 3]))
        .Select((address, port, weight, forwarding, upper, lower, tunnel) => new IpvsDestination
        {
            Address = address,
            Port = port,
            Weight = weight,
            Forwarding = (IpvsForwardingMethod)forwarding,
            UpperThreshold = upper,
            LowerThreshold = lower,
            Tunnel = tunnel.Item1 && forwarding == (int)IpvsForwardingMethod.Tunnel
                ? new IpvsTunnelOptions((IpvsTunnelType)tunnel.Item2, tunnel.Item3, tunnel.Item4)
                : null,
        }));

    /// <summary>A dump reply as the kernel sends it: one NLM_F_MULTI message per item (the IPVS family id is the capture's 0x20).</summary>
    private static NetlinkWriter Reply<T>(T[] items, byte command, Action<NetlinkWriter, T> write)
    {
        var writer = new NetlinkWriter();
        foreach (var item in items)
        {
            var start = writer.BeginMessage(0x20, NetlinkFlags.Multi);
            writer.WriteGenericHeader(command, 1);
            write(writer, item);
            writer.EndMessage(start);
        }

        return writer;
    }

    /// <summary>What IpvsClient.Collect does with a dump: every top-level nest of one type, across the reply's messages.</summary>
    private static List<T> ReadDump<T>(NetlinkWriter writer, ushort attributeType, Func<NetlinkAttributeReader, T> read)
    {
        var items = new List<T>();
        foreach (var message in new NetlinkMessageReader(writer.WrittenSpan))
        {
            foreach (var attribute in message.GenericAttributes)
            {
                if (attribute.Type == attributeType)
                {
                    items.Add(read(attribute.Nested));
                }
            }
        }

        return items;
    }

    private static Gen<Node> Tree(int depth)
    {
        var leaf = Gen.Select(AttributeType, Gen.Byte.Array[0, 24]).Select((type, value) => new Node(type, value, null));
        return depth == 0
            ? leaf
            : Gen.Frequency((3, leaf), (1, Gen.Select(AttributeType, Tree(depth - 1).Array[0, 4]).Select((type, children) => new Node(type, null, children))));
    }

    /// <summary>An attribute with a value, or a nest of attributes.</summary>
    private sealed record Node(ushort Type, byte[]? Value, Node[]? Children)
    {
        public void Write(NetlinkWriter writer)
        {
            if (Children is null)
            {
                writer.WriteBytes(Type, Value!);
                return;
            }

            var nest = writer.BeginNested(Type);
            foreach (var child in Children)
            {
                child.Write(writer);
            }

            writer.EndNested(nest);
        }

        public static List<Node> ReadAll(NetlinkAttributeReader reader)
        {
            var nodes = new List<Node>();
            foreach (var attribute in reader)
            {
                nodes.Add(attribute.IsNested
                    ? new Node(attribute.Type, null, [.. ReadAll(attribute.Nested)])
                    : new Node(attribute.Type, attribute.Value.ToArray(), null));
            }

            return nodes;
        }

        public bool Equals(Node? other) =>
            other is not null && Type == other.Type
            && (Value is null ? other.Value is null : other.Value is not null && Value.AsSpan().SequenceEqual(other.Value))
            && (Children is null ? other.Children is null : other.Children is not null && Children.SequenceEqual(other.Children));

        public override int GetHashCode() => Type;
    }
}
