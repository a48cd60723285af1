using System.Globalization;
using System.Net;

namespace HaDirector.KernelTests.Director;

/// <summary>
/// The seed's LVS-DR cluster inside the test VM: the LAN of <see cref="LanTopology"/> (its router
/// namespace is the client), directors, and real servers that hold the VIP on lo with arp_ignore=1 and
/// arp_announce=2, each serving HTTP on :80 (a page naming it) and a line echo on :7.
/// </summary>
public sealed class LvsDrCluster : IDisposable
{
    public static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");

    private readonly List<ManagedProcess> _servers = [];
    private readonly Dictionary<string, ManagedProcess> _http = [];
    private readonly List<DirectorProcess> _directors = [];
    private readonly string _www;

    public LvsDrCluster(params string[] directors)
    {
        Lan = new LanTopology([.. directors, "rs1", "rs2"]);
        _www = Directory.CreateTempSubdirectory("hd-www-").FullName;
        foreach (var rs in new[] { Lan["rs1"], Lan["rs2"] })
        {
            foreach (var sysctl in new[] { "all.arp_ignore=1", "lo.arp_ignore=1", "all.arp_announce=2", "lo.arp_announce=2" })
            {
                Shell.Check("ip", "netns", "exec", rs.Namespace, "sysctl", "-q", "-w", "net.ipv4.conf." + sysctl);
            }
            LanTopology.Ip(rs.Namespace, "addr", "add", Vip + "/32", "dev", "lo");
            var root = Directory.CreateDirectory(Path.Combine(_www, rs.Name)).FullName;
            File.WriteAllText(Path.Combine(root, "index.html"), rs.Name + "\n");
            StartHttp(rs);
            _servers.Add(new ManagedProcess("echo@" + rs.Name, rs.Namespace, "python3", ["-c", EchoServer(rs.Name)]));
        }

        // A test may go master and send its first request within a second; python starting under emulation can take
        // longer, and a request that reaches a real server before it listens is refused.
        foreach (var rs in new[] { Lan["rs1"], Lan["rs2"] })
        {
            WaitListening(rs, 80);
            WaitListening(rs, 7);
        }
    }

    /// <summary>Until something in the real server's namespace listens on TCP <paramref name="port"/>.</summary>
    private void WaitListening(LanHost rs, int port) =>
        Wait.Until(() => Shell.Run("ip", "netns", "exec", rs.Namespace, "ss", "-Htln", $"sport = :{port}").Stdout.Trim().Length > 0,
            TimeSpan.FromSeconds(60), $"{rs.Name} to listen on :{port}", Diagnostics);

    public LanTopology Lan { get; }

    /// <summary>(Re)starts the real server's HTTP service on :80.</summary>
    public void StartHttp(LanHost rs)
    {
        var process = new ManagedProcess("http@" + rs.Name, rs.Namespace, "python3",
            ["-m", "http.server", "80", "--bind", "0.0.0.0", "--directory", Path.Combine(_www, rs.Name)]);
        _servers.Add(process);
        _http[rs.Name] = process;
    }

    /// <summary>Stops the real server's HTTP service (connections to :80 are then refused).</summary>
    public void StopHttp(LanHost rs)
    {
        var process = _http[rs.Name];
        process.Kill9();
        process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    /// <summary>An HAProxy-style agent on the real server's :9999 that answers <paramref name="reply"/>.</summary>
    public void StartAgent(LanHost rs, string reply) =>
        _servers.Add(new ManagedProcess("agent@" + rs.Name, rs.Namespace, "python3", ["-c", $$"""
            import socketserver
            class Agent(socketserver.BaseRequestHandler):
                def handle(self):
                    self.request.sendall(b"{{reply}}\n")
            socketserver.ThreadingTCPServer.allow_reuse_address = True
            socketserver.ThreadingTCPServer(("0.0.0.0", 9999), Agent).serve_forever()
            """]));

    public LanHost Rs1 => Lan["rs1"];

    public LanHost Rs2 => Lan["rs2"];

    public const string NoCheck = "{ type: none }";

    /// <summary>
    /// Two virtual servers on the VIP (:80 HTTP, :7 echo), DR, wlc, rs1 weight 2 and rs2 weight 1 on :80
    /// and <paramref name="echoWeight"/> each on :7.
    /// </summary>
    public string Config(int priority, string extra = "", bool warmStandby = false, string? syncInterface = null,
        string webCheck = NoCheck, string echoCheck = NoCheck, int echoWeight = 1, string webExtra = "", string syncExtra = "") =>
        DirectorProcess.VrrpConfig(51, priority, 3, TimeSpan.FromMilliseconds(200), Vip.ToString()) + $$"""

        virtualServers:
          - name: web
            vip: {{Vip}}
            port: 80
            scheduler: wlc
            healthCheck: {{webCheck}}
            {{webExtra}}
            realServers:
              - { address: {{Rs1.Address}}, weight: 2 }
              - { address: {{Rs2.Address}}, weight: 1 }
          - name: echo
            vip: {{Vip}}
            port: 7
            scheduler: wlc
            healthCheck: {{echoCheck}}
            realServers:
              - { address: {{Rs1.Address}}, weight: {{echoWeight}} }
              - { address: {{Rs2.Address}}, weight: {{echoWeight}} }
        ipvs:
          reconcilePeriod: 1s
          warmStandby: {{(warmStandby ? "true" : "false")}}
        {{(syncInterface is null ? "" : $"  syncDaemon: {{ interface: {syncInterface}, syncId: 7{syncExtra} }}")}}
        {{extra}}
        """;

    public DirectorProcess StartDirector(string name, string yaml)
    {
        var director = new DirectorProcess(Lan[name], yaml);
        _directors.Add(director);
        return director;
    }

    public static string Ipvsadm(LanHost host, params string[] args) => Shell.Check("ip", ["netns", "exec", host.Namespace, "ipvsadm", .. args]);

    /// <summary>The weight of one destination in `ipvsadm -Ln` of a host, or null when absent.</summary>
    public static int? Weight(LanHost director, int port, LanHost realServer)
    {
        var inService = false;
        foreach (var line in Ipvsadm(director, "-Ln").Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 2 && f[0] is "TCP" or "UDP")
            {
                inService = f[1] == $"{Vip}:{port}";
            }
            else if (inService && f.Length >= 4 && f[0] == "->" && f[1] == $"{realServer.Address}:{port}")
            {
                return int.Parse(f[3], CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    /// <summary>GET http://VIP/ from the router namespace (the client side): the real server's name.</summary>
    /// <remarks>A failure carries what explains it: curl's error, the router's neighbour entries, the daemons' logs.</remarks>
    public string Get()
    {
        var get = Shell.Run("ip", "netns", "exec", Lan.Router, "curl", "-sS", "--max-time", "5", $"http://{Vip}/");
        if (get.ExitCode != 0)
        {
            var neighbours = Shell.Run("ip", "netns", "exec", Lan.Router, "ip", "neigh").Stdout;
            throw new InvalidOperationException(
                $"GET http://{Vip}/ from the router exited {get.ExitCode}: {get.Stderr.Trim()}\nrouter's neighbours:\n{neighbours}\n{Diagnostics()}");
        }

        return get.Stdout.Trim();
    }

    /// <summary>Sends a line on an echo connection; the real server that answered it (the echo servers prefix their name).</summary>
    public static string Echo(System.Net.Sockets.Socket socket, string text)
    {
        socket.Send(System.Text.Encoding.ASCII.GetBytes(text + "\n"));
        var buffer = new byte[256];
        var read = socket.Receive(buffer);
        var answer = System.Text.Encoding.ASCII.GetString(buffer, 0, read).Trim();
        Assert.EndsWith(" " + text, answer);
        return answer.Split(' ')[0];
    }

    public string Diagnostics() =>
        string.Join(Environment.NewLine, _directors.Select(d => d.Process.Output).Concat(_servers.Select(s => s.Output)));

    public void Dispose()
    {
        foreach (var d in _directors)
        {
            d.Dispose();
        }
        foreach (var s in _servers)
        {
            s.Dispose();
        }
        Lan.Dispose();
        Directory.Delete(_www, recursive: true);
    }

    private static string EchoServer(string name) => $$"""
        import socketserver
        class Echo(socketserver.StreamRequestHandler):
            def handle(self):
                for line in self.rfile:
                    self.wfile.write(b"{{name}} " + line)
                    self.wfile.flush()
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        socketserver.ThreadingTCPServer(("0.0.0.0", 7), Echo).serve_forever()
        """;
}
