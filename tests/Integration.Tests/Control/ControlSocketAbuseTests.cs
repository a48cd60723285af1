using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Control;

/// <summary>
/// Issue 17 §4: abuse of the control socket by a root client — 10,000 connections opened and dropped, held-open
/// connections that never finish a request (slowloris), a 10 MB request, malformed JSON, an unknown verb — while a
/// pair runs VRRPv3 at 100 ms. The daemon answers each with a clear error or closes, its memory stays bounded, the
/// CLI works again once the abuse stops, and the election never notices.
/// </summary>
public sealed class ControlSocketAbuseTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly DirectorLan _lan = new("lb1", "lb2");

    public void Dispose() => _lan.Dispose();

    [Fact]
    public void Abuse_AnsweredOrClosed_MemoryBounded_ElectionUndisturbed()
    {
        var lb1 = _lan.Start(_lan["lb1"], DirectorProcess.VrrpConfig(51, 150, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()));
        Wait.Until(() => _lan["lb1"].HasAddress(Vip) && File.Exists(lb1.SocketPath), Bound, "lb1 master", () => lb1.Process.Output);
        var lb2 = _lan.Start(_lan["lb2"], DirectorProcess.VrrpConfig(51, 100, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()));
        Wait.Until(() => lb2.Process.OutputContains("Initialize -> Backup"), Bound, "lb2 backup", () => lb2.Process.Output);
        var transitions = HaDirector.Integration.Tests.Vrrp.HostileInputTests.Transitions(lb1)
                          + HaDirector.Integration.Tests.Vrrp.HostileInputTests.Transitions(lb2);
        var heardBefore = lb2.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}");
        var clock = Stopwatch.StartNew();

        // Connections that never complete a request, more than the daemon serves at once.
        var idle = Enumerable.Range(0, 100).Select(_ => TryConnect(lb1.SocketPath)).OfType<Socket>().ToList();
        foreach (var socket in idle)
        {
            try
            {
                socket.Send("{\"verb\":"u8);
            }
            catch (SocketException)
            {
                // closed at once: the daemon was serving its maximum
            }
        }

        // 10,000 opened and dropped.
        for (var i = 0; i < 10_000; i++)
        {
            using var socket = TryConnect(lb1.SocketPath);
        }

        foreach (var socket in idle)
        {
            socket.Dispose();
        }

        // Once the abusers are gone the CLI works, and each bad request gets its own clear answer.
        Wait.Until(() => lb1.Cli("status").ExitCode == 0, Bound, "status to answer again", () => lb1.Process.Output);
        Assert.Contains("malformed request", Ask(lb1.SocketPath, "{\"verb\": \n"u8.ToArray()));
        Assert.Contains("unknown verb 'reboot'", Ask(lb1.SocketPath, "{\"verb\":\"reboot\"}\n"u8.ToArray()));
        // Answered "request too large", or closed: the daemon stops reading at 64 KiB, answers and closes with the
        // rest unread, and the kernel may report that close to this client as a reset before the answer.
        var huge = Encoding.ASCII.GetBytes("{\"verb\":\"" + new string('x', 10 * 1024 * 1024) + "\"}\n");
        var hugeAnswer = AskOrReset(lb1.SocketPath, huge);
        Assert.True(hugeAnswer is null || hugeAnswer.Contains("request too large", StringComparison.Ordinal), hugeAnswer);
        var abuse = clock.Elapsed;

        // The advert stream went on: lb2 heard lb1 about every 100 ms through all of it, and nobody moved.
        var heard = lb2.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}") - heardBefore;
        Assert.True(heard >= abuse.TotalMilliseconds / 100 * 0.8, $"lb2 heard {heard} adverts in {abuse.TotalSeconds:0.0} s");
        Assert.Equal(transitions, HaDirector.Integration.Tests.Vrrp.HostileInputTests.Transitions(lb1)
                                  + HaDirector.Integration.Tests.Vrrp.HostileInputTests.Transitions(lb2));
        Assert.True(_lan["lb1"].HasAddress(Vip) && !_lan["lb2"].HasAddress(Vip));
        Assert.False(lb1.Process.HasExited);

        // Bounded memory: the daemon's RSS after the abuse, and the journal was not flooded.
        var rssKb = ResidentKilobytes(lb1.Process.Pid);
        Assert.True(rssKb < 150 * 1024, $"RSS {rssKb} kB after the abuse");
        var lines = lb1.Process.Output.Split('\n').Count(l => l.Contains("control socket:", StringComparison.Ordinal));
        Assert.True(lines < 20, $"{lines} control-socket log lines:\n{lb1.Process.Output}");
    }

    private static Socket Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    /// <summary>A connection the daemon may refuse while busy (backlog full): that is allowed, a crash is not.</summary>
    private static Socket? TryConnect(string path)
    {
        try
        {
            return Connect(path);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>Sends the request (as much as the daemon reads) and returns the message of its answer.</summary>
    private static string Ask(string path, byte[] request)
    {
        using var socket = Connect(path);
        socket.ReceiveTimeout = 10_000;
        socket.SendTimeout = 10_000;
        try
        {
            socket.Send(request);
        }
        catch (SocketException)
        {
            // The daemon stopped reading at its limit, answered and closed: the answer is already here.
        }

        var answer = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = socket.Receive(buffer)) > 0)
        {
            answer.Write(buffer, 0, read);
        }

        var text = Encoding.UTF8.GetString(answer.ToArray());
        return System.Text.Json.Nodes.JsonNode.Parse(text)?["message"]?.GetValue<string>() ?? text;
    }

    /// <summary>The answer, or null when the daemon's close reached this client as a reset.</summary>
    private static string? AskOrReset(string path, byte[] request)
    {
        try
        {
            return Ask(path, request);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return null;
        }
    }

    private static long ResidentKilobytes(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
