namespace HaDirector.Linux.Netlink.Codec;

/// <summary>
/// Walks the messages of one datagram. Use with foreach. A length field that is too short or runs
/// past the buffer means the stream cannot be trusted any further: <see cref="InvalidDataException"/>.
/// </summary>
public ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _rest;
    private NetlinkMessage _current;

    public NetlinkMessageReader(ReadOnlySpan<byte> buffer)
    {
        _rest = buffer;
        _current = default;
    }

    public readonly NetlinkMessage Current => _current;

    public readonly NetlinkMessageReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < NetlinkHeader.Size)
        {
            return false;
        }

        var header = NetlinkHeader.Read(_rest);
        if (header.Length < NetlinkHeader.Size || header.Length > _rest.Length)
        {
            throw new InvalidDataException(
                $"netlink message length {header.Length} is outside 16..{_rest.Length} (type {header.Type}, seq {header.Sequence})");
        }

        var length = (int)header.Length;
        _current = new NetlinkMessage(header, _rest[NetlinkHeader.Size..length]);
        _rest = _rest[Math.Min(NetlinkAlignment.Align(length), _rest.Length)..];
        return true;
    }
}
