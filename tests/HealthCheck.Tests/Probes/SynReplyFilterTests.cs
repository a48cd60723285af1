using System.Buffers.Binary;
using HaDirector.HealthCheck.Probes;
using HaDirector.Linux.Interop;

namespace HaDirector.HealthCheck.Tests.Probes;

/// <summary>
/// The program run by a small classic-BPF interpreter (the opcodes it uses, with the kernel's rule that a load
/// past the packet's end rejects it); the kernel runs it for real in <see cref="HalfOpenProbeTests"/>.
/// </summary>
public sealed class SynReplyFilterTests
{
    private static readonly SockFilter[] Program = SynReplyFilter.Program(40000, 40063);

    [Theory]
    [InlineData(40000, 0x12, true)] // SYN-ACK to the first reserved port
    [InlineData(40063, 0x14, true)] // RST-ACK to the last
    [InlineData(39999, 0x12, false)] // just below the range
    [InlineData(40064, 0x14, false)] // just above
    [InlineData(40010, 0x04, false)] // bare RST: our kernel's own, to the real server
    [InlineData(40010, 0x02, false)] // a SYN
    [InlineData(40010, 0x10, false)] // an ACK
    [InlineData(40010, 0x18, false)] // data
    public void Program_Segments_KeepsOnlyRepliesToOurPorts(ushort port, byte flags, bool kept)
    {
        Assert.Equal(kept ? SynReplyFilter.SnapLength : 0, Run(Packet(ipHeaderLength: 20, port, flags, fragment: 0)));
    }

    [Fact]
    public void Program_IpOptions_FindsTheTcpHeaderBehindThem()
    {
        Assert.Equal(SynReplyFilter.SnapLength, Run(Packet(ipHeaderLength: 24, 40001, 0x12, fragment: 0)));
    }

    [Fact]
    public void Program_LaterFragment_Dropped()
    {
        Assert.Equal(0u, Run(Packet(ipHeaderLength: 20, 40001, 0x12, fragment: 0x20)));
    }

    [Fact]
    public void Program_Truncated_Dropped()
    {
        Assert.Equal(0u, Run(Packet(ipHeaderLength: 20, 40001, 0x12, fragment: 0)[..30]));
    }

    private static byte[] Packet(int ipHeaderLength, ushort destinationPort, byte flags, ushort fragment)
    {
        var packet = new byte[ipHeaderLength + 20];
        packet[0] = (byte)(0x40 | (ipHeaderLength / 4));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), fragment);
        packet[9] = 6;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(ipHeaderLength), 80);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(ipHeaderLength + 2), destinationPort);
        packet[ipHeaderLength + 13] = flags;
        return packet;
    }

    private static uint Run(byte[] packet) => Run(packet, Program);

    private static uint Run(byte[] packet, SockFilter[] program)
    {
        uint a = 0, x = 0;
        for (var pc = 0; ; pc++)
        {
            var i = program[pc];
            switch (i.Code)
            {
                case SockFilter.LdHAbs or SockFilter.LdHInd:
                    var offset = (int)(i.K + (i.Code == SockFilter.LdHInd ? x : 0));
                    if (offset + 2 > packet.Length)
                    {
                        return 0;
                    }

                    a = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(offset));
                    break;
                case SockFilter.LdBInd or SockFilter.LdBAbs:
                    var at = i.K + (i.Code == SockFilter.LdBInd ? x : 0);
                    if (at >= packet.Length)
                    {
                        return 0;
                    }

                    a = packet[at];
                    break;
                case SockFilter.LdxBMsh:
                    x = (uint)(packet[i.K] & 0x0f) * 4;
                    break;
                case SockFilter.AluAndK:
                    a &= i.K;
                    break;
                case SockFilter.JmpJeqK or SockFilter.JmpJgtK or SockFilter.JmpJgeK or SockFilter.JmpJsetK:
                    var taken = i.Code switch
                    {
                        SockFilter.JmpJeqK => a == i.K,
                        SockFilter.JmpJgtK => a > i.K,
                        SockFilter.JmpJgeK => a >= i.K,
                        _ => (a & i.K) != 0,
                    };
                    pc += taken ? i.JumpTrue : i.JumpFalse;
                    break;
                case SockFilter.RetK:
                    return i.K;
                default:
                    throw new InvalidOperationException($"opcode {i.Code:x} not interpreted");
            }
        }
    }

    [Theory]
    [InlineData(40000, 0x12, true)]
    [InlineData(40063, 0x14, true)]
    [InlineData(39999, 0x12, false)]
    [InlineData(40064, 0x14, false)]
    [InlineData(40010, 0x04, false)]
    [InlineData(40010, 0x02, false)]
    public void ProgramIpv6_SegmentsFromTheTcpHeaderOn_KeepsOnlyRepliesToOurPorts(ushort port, byte flags, bool kept)
    {
        var segment = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(segment, 80);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), port);
        segment[13] = flags;

        Assert.Equal(kept ? SynReplyFilter.SnapLength6 : 0, Run(segment, SynReplyFilter.ProgramIpv6(40000, 40063)));
    }

    [Fact]
    public void ProgramIpv6_Truncated_Dropped()
    {
        var segment = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), 40001);

        Assert.Equal(0u, Run(segment, SynReplyFilter.ProgramIpv6(40000, 40063)));
    }
}
