using System.Runtime.InteropServices;

namespace HaDirector.Linux.Netlink.Codec;

/// <summary>
/// The answer in an NLMSG_ERROR (error 0 = ACK) or NLMSG_DONE message, with the extended ACK the
/// kernel adds when NETLINK_EXT_ACK is on. struct nlmsgerr (linux/netlink.h):
/// <code>
///  int error (negative errno) | struct nlmsghdr of the request | [request payload unless NLM_F_CAPPED]
///  | [TLVs NLMSGERR_ATTR_* if NLM_F_ACK_TLVS]
/// </code>
/// NLMSG_DONE carries just the int (the dump's final status) and, with NLM_F_ACK_TLVS, TLVs after it.
/// </summary>
public readonly record struct NetlinkAck(int Errno, string? KernelMessage, uint? ErrorOffset)
{
    // enum nlmsgerr_attrs
    public const ushort AttrMessage = 1;
    public const ushort AttrOffset = 2;

    public bool IsSuccess => Errno == 0;

    public static NetlinkAck Parse(NetlinkMessage message)
    {
        var payload = message.Payload;
        if (payload.Length < 4)
        {
            // Very old kernels sent an empty NLMSG_DONE; it means success.
            return new NetlinkAck(0, null, null);
        }

        var errno = -MemoryMarshal.Read<int>(payload);
        if (!message.Header.HasFlag(NetlinkFlags.AckTlvs))
        {
            return new NetlinkAck(errno, null, null);
        }

        var tlvStart = 4;
        if (message.Header.Type == NetlinkMessageType.Error)
        {
            tlvStart += NetlinkHeader.Size;
            if (!message.Header.HasFlag(NetlinkFlags.Capped) && payload.Length >= tlvStart)
            {
                var original = NetlinkHeader.Read(payload[4..]);
                if (original.Length > payload.Length - 4)
                {
                    // Not in the reply: a length from 2^31 on also went negative through the int cast (bench/fuzz: netlink).
                    throw new InvalidDataException($"NLMSG_ERROR echoes a request of {original.Length} bytes in {payload.Length - 4}");
                }

                tlvStart = 4 + NetlinkAlignment.Align((int)original.Length);
            }
        }

        string? text = null;
        uint? offset = null;
        if (tlvStart < payload.Length)
        {
            foreach (var attribute in new NetlinkAttributeReader(payload[tlvStart..]))
            {
                switch (attribute.Type)
                {
                    case AttrMessage:
                        text = attribute.GetString();
                        break;
                    case AttrOffset:
                        offset = attribute.GetU32();
                        break;
                }
            }
        }

        return new NetlinkAck(errno, string.IsNullOrEmpty(text) ? null : text, offset);
    }
}
