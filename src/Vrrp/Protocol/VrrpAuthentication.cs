using System.Text;

namespace HaDirector.Vrrp.Protocol;

/// <summary>VRRPv2 authentication: the Auth Type and the 8 bytes of Authentication Data.</summary>
public sealed record VrrpAuthentication
{
    /// <summary>RFC 3768 §5.3.10: the Authentication Data field is 8 octets.</summary>
    public const int DataLength = 8;

    private readonly byte[] _data;

    private VrrpAuthentication(VrrpAuthType type, byte[] data)
    {
        Type = type;
        _data = data;
    }

    public static VrrpAuthentication None { get; } = new(VrrpAuthType.None, new byte[DataLength]);

    public VrrpAuthType Type { get; }

    /// <summary>Always exactly 8 bytes, as sent on the wire.</summary>
    public ReadOnlySpan<byte> Data => _data;

    /// <summary>
    /// keepalived's "auth_type PASS": the password's bytes, cut to 8 and padded with zeros
    /// (keepalived silently uses only the first 8 characters).
    /// </summary>
    public static VrrpAuthentication Password(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var data = new byte[DataLength];
        var bytes = Encoding.ASCII.GetBytes(password);
        bytes.AsSpan(0, Math.Min(bytes.Length, DataLength)).CopyTo(data);
        return new VrrpAuthentication(VrrpAuthType.SimpleText, data);
    }

    /// <summary>Auth Type and data as received; data shorter than 8 bytes is zero-padded.</summary>
    public static VrrpAuthentication FromWire(VrrpAuthType type, ReadOnlySpan<byte> data)
    {
        var copy = new byte[DataLength];
        data[..Math.Min(data.Length, DataLength)].CopyTo(copy);
        return new VrrpAuthentication(type, copy);
    }

    /// <summary>RFC 3768 §7.1: the type must match; for simple text the 8 data bytes too.</summary>
    public bool Matches(VrrpAuthType type, ReadOnlySpan<byte> data) =>
        type == Type && (Type != VrrpAuthType.SimpleText || data.SequenceEqual(_data));

    public bool Equals(VrrpAuthentication? other) =>
        other is not null && other.Type == Type && other.Data.SequenceEqual(Data);

    public override int GetHashCode() => HashCode.Combine(Type, BitConverter.ToUInt64(_data));

    public override string ToString() => Type == VrrpAuthType.None ? "none" : $"{Type} (8 bytes)";
}
