using System.Runtime.InteropServices;

namespace HaDirector.Linux.Netlink.Codec;

/// <summary>Walks a run of attributes (a message body or a nested attribute's value). Use with foreach.</summary>
public ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;
    private NetlinkAttribute _current;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _rest = attributes;
        _current = default;
    }

    public readonly NetlinkAttribute Current => _current;

    public readonly NetlinkAttributeReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < NetlinkAttribute.HeaderSize)
        {
            return false;
        }

        var length = MemoryMarshal.Read<ushort>(_rest);
        var rawType = MemoryMarshal.Read<ushort>(_rest[2..]);
        if (length < NetlinkAttribute.HeaderSize || length > _rest.Length)
        {
            throw new InvalidDataException($"netlink attribute length {length} is outside 4..{_rest.Length} (type {rawType & NetlinkAttribute.TypeMask})");
        }

        _current = new NetlinkAttribute(rawType, _rest[NetlinkAttribute.HeaderSize..length]);
        _rest = _rest[Math.Min(NetlinkAlignment.Align(length), _rest.Length)..];
        return true;
    }
}
