using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace HaDirector.Linux.Netlink.Codec;

/// <summary>
/// Builds netlink messages into one growable buffer; several messages may follow each other (a batch).
/// Lengths are patched when a message or nested attribute ends, so callers never count bytes.
/// Everything is padded to 4 bytes as it is written, which is what nla_put/nlmsg_put do in the kernel.
/// </summary>
public sealed class NetlinkWriter
{
    private byte[] _buffer;
    private int _length;

    public NetlinkWriter(int initialCapacity = 256) => _buffer = new byte[initialCapacity];

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    /// <summary>The written bytes, writable (the socket patches sequence numbers in place).</summary>
    public Span<byte> WrittenSpanMutable => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Starts a message; returns its offset for <see cref="EndMessage"/>.</summary>
    public int BeginMessage(ushort type, ushort flags, uint sequence = 0, uint portId = 0)
    {
        var start = _length;
        new NetlinkHeader(0, type, flags, sequence, portId).Write(Reserve(NetlinkHeader.Size));
        return start;
    }

    public void EndMessage(int start) => MemoryMarshal.Write(_buffer.AsSpan(start), (uint)(_length - start));

    public void WriteGenericHeader(byte command, byte version) =>
        new GenericNetlinkHeader(command, version).Write(Reserve(GenericNetlinkHeader.Size));

    /// <summary>Reserves a zeroed, padded region for a family header such as ifaddrmsg.</summary>
    public Span<byte> WriteFixed(int size) => Reserve(size);

    public void WriteU8(ushort type, byte value) => Attribute(type, 1)[0] = value;

    public void WriteU16(ushort type, ushort value) => MemoryMarshal.Write(Attribute(type, 2), in value);

    public void WriteU32(ushort type, uint value) => MemoryMarshal.Write(Attribute(type, 4), in value);

    public void WriteU64(ushort type, ulong value) => MemoryMarshal.Write(Attribute(type, 8), in value);

    /// <summary>A __be16 (ports). IPVS reads these as network order without NLA_F_NET_BYTEORDER.</summary>
    public void WriteBe16(ushort type, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Attribute(type, 2), value);

    /// <summary>A __be32 (IPv4 netmasks).</summary>
    public void WriteBe32(ushort type, uint value) => BinaryPrimitives.WriteUInt32BigEndian(Attribute(type, 4), value);

    public void WriteBytes(ushort type, ReadOnlySpan<byte> value) => value.CopyTo(Attribute(type, value.Length));

    /// <summary>A NUL-terminated string (NLA_NUL_STRING / NLA_STRING both accept it).</summary>
    public void WriteString(ushort type, string value)
    {
        var size = Encoding.UTF8.GetByteCount(value);
        var destination = Attribute(type, size + 1);
        Encoding.UTF8.GetBytes(value, destination);
        destination[size] = 0;
    }

    /// <summary>The address bytes in network order: 4 for IPv4, 16 for IPv6.</summary>
    public void WriteAddress(ushort type, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException($"cannot encode address {address}", nameof(address));
        }

        WriteBytes(type, bytes[..written]);
    }

    /// <summary>The address zero-padded to 16 bytes (union nf_inet_addr), as IPVS wants for both families.</summary>
    public void WriteInetAddress(ushort type, IPAddress address)
    {
        var destination = Attribute(type, 16);
        if (!address.TryWriteBytes(destination, out _))
        {
            throw new ArgumentException($"cannot encode address {address}", nameof(address));
        }
    }

    /// <summary>Starts a nested attribute (type | NLA_F_NESTED); returns its offset for <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        var start = _length;
        var header = Reserve(NetlinkAttribute.HeaderSize);
        MemoryMarshal.Write(header[2..], (ushort)(type | NetlinkAttribute.NestedFlag));
        return start;
    }

    public void EndNested(int start) => MemoryMarshal.Write(_buffer.AsSpan(start), (ushort)(_length - start));

    private Span<byte> Attribute(ushort type, int valueSize)
    {
        var start = _length;
        var span = Reserve(NetlinkAttribute.HeaderSize + valueSize);
        MemoryMarshal.Write(span, (ushort)(NetlinkAttribute.HeaderSize + valueSize));
        MemoryMarshal.Write(span[2..], in type);
        return _buffer.AsSpan(start + NetlinkAttribute.HeaderSize, valueSize);
    }

    /// <summary>Appends size bytes plus padding, all zeroed; returns the unpadded span.</summary>
    private Span<byte> Reserve(int size)
    {
        var padded = NetlinkAlignment.Align(size);
        if (_length + padded > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + padded));
        }

        var span = _buffer.AsSpan(_length, padded);
        span.Clear();
        _length += padded;
        return span[..size];
    }
}
