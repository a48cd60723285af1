using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace HaDirector.Linux.Netlink.Codec;

/// <summary>
/// One attribute (struct nlattr, linux/netlink.h):
/// <code>
///  0       2       4
///  +-------+-------+---------------------+------------+
///  |nla_len|nla_typ| value               | pad to 4   |
///  +-------+-------+---------------------+------------+
/// </code>
/// nla_len counts the 4-byte header and the value but not the padding. The two top bits of the type are
/// flags: NLA_F_NESTED (0x8000) and NLA_F_NET_BYTEORDER (0x4000).
/// Accessors check the length, because a kernel that grew a field must not make us read garbage.
/// </summary>
public readonly ref struct NetlinkAttribute
{
    public const int HeaderSize = 4;
    public const ushort NestedFlag = 0x8000;
    public const ushort NetByteOrderFlag = 0x4000;
    public const ushort TypeMask = 0x3fff;

    public NetlinkAttribute(ushort rawType, ReadOnlySpan<byte> value)
    {
        RawType = rawType;
        Value = value;
    }

    /// <summary>The type with the flag bits removed.</summary>
    public ushort Type => (ushort)(RawType & TypeMask);

    public ushort RawType { get; }

    public bool IsNested => (RawType & NestedFlag) != 0;

    public ReadOnlySpan<byte> Value { get; }

    public byte GetU8() => Checked(1)[0];

    public ushort GetU16() => MemoryMarshal.Read<ushort>(Checked(2));

    public uint GetU32() => MemoryMarshal.Read<uint>(Checked(4));

    public ulong GetU64() => MemoryMarshal.Read<ulong>(Checked(8));

    public int GetI32() => MemoryMarshal.Read<int>(Checked(4));

    /// <summary>A __be16 value such as a port.</summary>
    public ushort GetBe16() => BinaryPrimitives.ReadUInt16BigEndian(Checked(2));

    /// <summary>A __be32 value such as an IPv4 netmask.</summary>
    public uint GetBe32() => BinaryPrimitives.ReadUInt32BigEndian(Checked(4));

    /// <summary>A NUL-terminated (or unterminated) string.</summary>
    public string GetString()
    {
        var end = Value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? Value : Value[..end]);
    }

    /// <summary>An address of the given family: 4 bytes for AF_INET, 16 for AF_INET6 (IPVS always sends 16).</summary>
    public IPAddress GetAddress(int family) => family == Interop.LinuxConstants.AfInet6
        ? new IPAddress(Checked(16)[..16])
        : new IPAddress(Checked(4)[..4]);

    public NetlinkAttributeReader Nested => new(Value);

    private ReadOnlySpan<byte> Checked(int size)
    {
        if (Value.Length < size)
        {
            throw new InvalidDataException($"netlink attribute {Type} has {Value.Length} bytes, expected at least {size}");
        }

        return Value;
    }
}
