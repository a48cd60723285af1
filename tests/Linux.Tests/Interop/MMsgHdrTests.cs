using System.Runtime.CompilerServices;
using HaDirector.Linux.Interop;

namespace HaDirector.Linux.Tests.Interop;

/// <summary>The layouts sendmmsg/recvmmsg and SO_ATTACH_FILTER read, against C's offsetof and sizeof on 64-bit Linux.</summary>
public unsafe class MMsgHdrTests
{
    [Fact]
    public void MMsgHdr_Layout_MatchesStructMmsghdr()
    {
        var m = default(MMsgHdr);
        var start = (byte*)&m;

        // msghdr: name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48 (56 bytes); msg_len 56.
        Assert.Equal(
            (64, 8, 16, 24, 32, 40, 48, 56),
            (sizeof(MMsgHdr), (int)((byte*)&m.NameLength - start), (int)((byte*)&m.Iov - start), (int)((byte*)&m.IovLength - start),
                (int)((byte*)&m.Control - start), (int)((byte*)&m.ControlLength - start), (int)((byte*)&m.Flags - start), (int)((byte*)&m.Length - start)));
    }

    [Fact]
    public void IoVecAndSockFilter_Sizes_MatchC()
    {
        Assert.Equal((16, 8), (Unsafe.SizeOf<IoVec>(), Unsafe.SizeOf<SockFilter>()));
    }
}
