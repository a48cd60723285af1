using System.Buffers.Binary;
using System.Diagnostics;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Connector;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Connector;

public sealed class ProcEventMonitorTests
{
    /// <summary>One netlink message as the kernel's cn_proc sends it: nlmsghdr, cn_msg, proc_event.</summary>
    private static byte[] Event(uint what, params int[] data)
    {
        var bytes = new byte[16 + 20 + 16 + (data.Length * 4)];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)bytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], 3);          // NLMSG_DONE, as the kernel sends them
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 1);         // CN_IDX_PROC
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 1);         // CN_VAL_PROC
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], (ushort)(16 + (data.Length * 4)));
        BinaryPrimitives.WriteUInt32LittleEndian(span[36..], what);
        for (var i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[(52 + (i * 4))..], data[i]);
        }

        return bytes;
    }

    [Fact]
    public void Decode_AckForkExecCommExit_TheFourEventsInOrder()
    {
        byte[] datagram =
        [
            .. Event(0, 0, 0),                               // PROC_EVENT_NONE: the subscription's acknowledgement
            .. Event(0x1, 100, 100, 200, 200),               // fork: parent 100 -> child 200
            .. Event(0x2, 200, 200),                         // exec
            .. Event(0x200, 200, 200, 0x6c72, 0, 0, 0),      // comm (name bytes follow)
            .. Event(0x80000000, 201, 200, 0, 17, 100, 100), // exit of a thread of 200
        ];

        Assert.Equal(
            [
                new ProcEvent(ProcEventKind.Fork, 200, 200),
                new ProcEvent(ProcEventKind.Exec, 200, 200),
                new ProcEvent(ProcEventKind.Comm, 200, 200),
                new ProcEvent(ProcEventKind.Exit, 201, 200),
            ],
            ProcEventMonitor.Decode(datagram));
    }

    [Fact]
    public void ListenRequest_IsNlmsghdrCnMsgAndMcastListen()
    {
        Assert.Equal(
            "28000000" + "0300" + "0000" + "00000000" + "00000000"   // nlmsghdr: 40 bytes, NLMSG_DONE
            + "01000000" + "01000000" + "00000000" + "00000000" + "0400" + "0000" // cn_msg: CN_IDX_PROC/CN_VAL_PROC, len 4
            + "01000000",                                              // PROC_CN_MCAST_LISTEN
            Convert.ToHexStringLower(ProcEventMonitor.ListenRequest()));
    }

    [Fact]
    public async Task ReadEventsAsync_InTheInitialNamespace_SeesAChildStartAndExit()
    {
        using var monitor = ProcEventMonitor.Open();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var events = monitor.ReadEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        using var child = Process.Start("/bin/sleep", "30");
        try
        {
            await NextAsync(events, e => e.Kind == ProcEventKind.Exec && e.Tgid == child.Id);
        }
        finally
        {
            child.Kill();
        }

        await NextAsync(events, e => e.Kind == ProcEventKind.Exit && e.Pid == child.Id && e.Tgid == child.Id);
    }

    [Fact]
    public void Open_InAnotherNetworkNamespace_ThrowsSoTheCallerReadsProc()
    {
        using var ns = new TestNamespace();

        Assert.Throws<LinuxErrorException>(() => ns.Run(() => ProcEventMonitor.Open()));
    }

    private static async Task NextAsync(IAsyncEnumerator<ProcEvent> events, Func<ProcEvent, bool> wanted)
    {
        while (await events.MoveNextAsync())
        {
            if (wanted(events.Current))
            {
                return;
            }
        }

        Assert.Fail("the events ended");
    }
}
