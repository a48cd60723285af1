using System.Globalization;
using System.Net;
using System.Text;
using HaDirector.Director.Configuration;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Bench.Ipvs;

/// <summary>
/// The benchmark table, written three ways: our YAML, keepalived's virtual_server blocks and
/// ipvsadm-restore's rules. Service i is 198.18.(v/250).(v%250+1):(1000 + i%100) with v = i/100 (100
/// ports per VIP keeps the VRRP instance's address list short); real server r of every service is
/// 198.19.r.1 on the service's port (DR cannot map ports) with weight r+1, wlc.
/// </summary>
public sealed record Table(int Services, int RealServers)
{
    public const int PortsPerVip = 100;

    public int Destinations => Services * RealServers;

    public string Name => string.Create(CultureInfo.InvariantCulture, $"{Services}x{RealServers}");

    public static IPAddress Vip(int service)
    {
        var v = service / PortsPerVip;
        return new IPAddress([198, 18, (byte)(v / 250), (byte)(v % 250 + 1)]);
    }

    public static ushort Port(int service) => (ushort)(1000 + service % PortsPerVip);

    public static IPAddress Real(int real) => new([198, 19, (byte)real, 1]);

    public static uint Weight(int real) => (uint)real + 1;

    public static IpvsDestination Destination(int service, int real, uint? weight = null) =>
        IpvsDestination.Create(Real(real), Port(service), weight ?? Weight(real));

    public static IpvsService Service(int service) => IpvsService.ForAddress(Vip(service), Port(service), HaDirector.Linux.Netlink.Ipvs.IpvsProtocol.Tcp, "wlc");

    public string Yaml()
    {
        var vips = Enumerable.Range(0, (Services + PortsPerVip - 1) / PortsPerVip).Select(v => Vip(v * PortsPerVip) + "/32");
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"""
            vrrp:
              instances:
                - name: bench
                  interface: lo
                  vrid: 51
                  priority: 150
                  version: 3
                  advertInterval: 1s
                  virtualAddresses: [{string.Join(", ", vips)}]
            virtualServers:

            """);
        for (var s = 0; s < Services; s++)
        {
            b.Append(CultureInfo.InvariantCulture, $"  - {{ name: vs{s}, vip: {Vip(s)}, port: {Port(s)}, protocol: tcp, scheduler: wlc, forwarding: dr, healthCheck: {{ type: none }}, realServers: [");
            for (var r = 0; r < RealServers; r++)
            {
                b.Append(CultureInfo.InvariantCulture, $"{(r == 0 ? "" : ", ")}{{ address: {Real(r)}, port: {Port(s)}, weight: {Weight(r)} }}");
            }

            b.Append("] }\n");
        }

        b.Append("ipvs: { warmStandby: false, reconcilePeriod: 1h }\n");
        return b.ToString();
    }

    /// <summary>Checker-only keepalived: virtual_server blocks with real servers and no checkers.</summary>
    public string Keepalived()
    {
        var b = new StringBuilder("global_defs {\n  router_id bench\n}\n");
        for (var s = 0; s < Services; s++)
        {
            b.Append(CultureInfo.InvariantCulture, $"virtual_server {Vip(s)} {Port(s)} {{\n  lb_algo wlc\n  lb_kind DR\n  protocol TCP\n");
            for (var r = 0; r < RealServers; r++)
            {
                b.Append(CultureInfo.InvariantCulture, $"  real_server {Real(r)} {Port(s)} {{\n    weight {Weight(r)}\n  }}\n");
            }

            b.Append("}\n");
        }

        return b.ToString();
    }

    /// <summary>What ipvsadm-save -n prints for this table.</summary>
    public string IpvsadmRules()
    {
        var b = new StringBuilder();
        for (var s = 0; s < Services; s++)
        {
            b.Append(CultureInfo.InvariantCulture, $"-A -t {Vip(s)}:{Port(s)} -s wlc\n");
            for (var r = 0; r < RealServers; r++)
            {
                b.Append(CultureInfo.InvariantCulture, $"-a -t {Vip(s)}:{Port(s)} -r {Real(r)}:{Port(s)} -g -w {Weight(r)}\n");
            }
        }

        return b.ToString();
    }

    /// <summary>The same table as a configuration built in code (no YAML): for runs whose load time is not measured.</summary>
    public DirectorConfig Config() => new()
    {
        VirtualServers = [.. Enumerable.Range(0, Services).Select(s => new VirtualServerConfig
        {
            Name = string.Create(CultureInfo.InvariantCulture, $"vs{s}"),
            Vip = Vip(s),
            Port = Port(s),
            HealthCheck = new HealthCheckConfig { Type = HealthCheckType.None },
            RealServers = [.. Enumerable.Range(0, RealServers).Select(r => new RealServerConfig { Address = Real(r), Port = Port(s), Weight = (int)Weight(r) })],
        })],
        Ipvs = new IpvsConfig { ReconcilePeriod = TimeSpan.FromHours(1) },
    };

    public static Table Parse(string text)
    {
        var parts = text.Split('x');
        return new Table(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    public void WriteFiles(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, $"{Name}.yaml"), Yaml());
        File.WriteAllText(Path.Combine(directory, $"{Name}.keepalived.conf"), Keepalived());
        File.WriteAllText(Path.Combine(directory, $"{Name}.ipvsadm"), IpvsadmRules());
    }
}
