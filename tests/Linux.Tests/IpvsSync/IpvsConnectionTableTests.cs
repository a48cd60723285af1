using System.Net;
using HaDirector.Linux.IpvsSync;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Linux.Tests.IpvsSync;

/// <summary>Lines as net/netfilter/ipvs/ip_vs_conn.c's ip_vs_conn_sync_seq_show prints them.</summary>
public sealed class IpvsConnectionTableTests
{
    [Fact]
    public void TryParse_Ipv4EstablishedLocal_EndPointsStateOriginAndExpiry()
    {
        Assert.True(IpvsConnectionTable.TryParse("TCP C6120001 9C40 C6120058 0050 C6120065 0050 ESTABLISHED LOCAL      899", out var c));

        Assert.Equal(IpvsProtocol.Tcp, c.Protocol);
        Assert.Equal(IPEndPoint.Parse("198.18.0.1:40000"), c.Client);
        Assert.Equal(IPEndPoint.Parse("198.18.0.88:80"), c.Virtual);
        Assert.Equal(IPEndPoint.Parse("198.18.0.101:80"), c.Destination);
        Assert.Equal((ushort)IpvsTcpState.Established, c.State);
        Assert.True(c.Local);
        Assert.Equal(899u, c.ExpiresSeconds);
    }

    [Fact]
    public void TryParse_Ipv6HalfOpenLearntBySync_FullColonFormAndSyncOrigin()
    {
        const string line = "TCP 2001:0002:0000:0000:0000:0000:0000:0001 D2F0 2001:0002:0000:0000:0000:0000:0000:0100 1B5F "
            + "2001:0002:0000:0000:0000:0000:0000:0012 1B5F SYN_RECV    SYNC        59";

        Assert.True(IpvsConnectionTable.TryParse(line, out var c));

        Assert.Equal(IPEndPoint.Parse("[2001:2::1]:54000"), c.Client);
        Assert.Equal(IPEndPoint.Parse("[2001:2::100]:7007"), c.Virtual);
        Assert.Equal(IPEndPoint.Parse("[2001:2::12]:7007"), c.Destination);
        Assert.Equal((ushort)IpvsTcpState.SynReceived, c.State);
        Assert.False(c.Local);
        Assert.Equal(59u, c.ExpiresSeconds);
    }

    [Fact]
    public void TryParse_Udp_StateZero()
    {
        Assert.True(IpvsConnectionTable.TryParse("UDP C6120001 D431 C6120058 0035 C6120065 0035 UDP         LOCAL      299", out var c));

        Assert.Equal(IpvsProtocol.Udp, c.Protocol);
        Assert.Equal(0, c.State);
    }

    [Fact]
    public void TryParse_Keep_JudgesProtocolStateAndOriginFirst()
    {
        (IpvsProtocol, ushort, bool)? seen = null;

        var parsed = IpvsConnectionTable.TryParse("TCP C6120001 9C40 C6120058 0050 C6120065 0050 TIME_WAIT   LOCAL      119"u8,
            (protocol, state, local) => { seen = (protocol, state, local); return false; }, out _);

        Assert.False(parsed);
        Assert.Equal((IpvsProtocol.Tcp, (ushort)IpvsTcpState.TimeWait, true), seen);
    }

    [Theory]
    [InlineData("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires")]
    [InlineData("TCP C6120001 0000 C6120058 0050 C6120065 0050 NONE        LOCAL      299")] // a persistence template
    [InlineData("SCTP C6120001 9C40 C6120058 0050 C6120065 0050 ESTABLISHED LOCAL      899")]
    [InlineData("TCP C6120001 9C40 C6120058 0050 C6120065 0050 ESTABLISHED LOCAL")]
    [InlineData("TCP C61200 9C40 C6120058 0050 C6120065 0050 ESTABLISHED LOCAL      899")]
    [InlineData("TCP C6120001 9C40 C6120058 0050 2001:0002:0000:0000:0000:0000:0000:0012 0050 ESTABLISHED LOCAL 899")]
    [InlineData("TCP C6120001 9C40 C6120058 0050 C6120065 0050 ESTABLISHED ELSEWHERE  899")]
    [InlineData("TCP C6120001 9C40 C6120058 0050 C6120065 0050 BUG!        LOCAL      899")]
    [InlineData("")]
    public void TryParse_HeaderTemplatesOtherProtocolsAndBrokenLines_Skipped(string line)
    {
        Assert.False(IpvsConnectionTable.TryParse(line, out _));
    }
}
