using System.Net;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>
/// keepalived 2.4.3 (the first with VRRP <c>auth_hmac</c>; Debian ships 2.2.7) as a VRRP-only peer in a namespace, built
/// once from ../shared/peers by tests/peers/keepalived-2.4/build into a cache keyed by the tarball's hash.
/// </summary>
public sealed class Keepalived24Peer : IDisposable
{
    private static readonly Lazy<string> Built = new(Build);
    private readonly string _dir;
    private readonly Func<string?, string> _config;

    /// <param name="hmac">The lines inside <c>auth_hmac { }</c> (keys, active_key, mode...); null: no authentication.</param>
    /// <param name="unicast">(our source, the peer): unicast instead of multicast.</param>
    public Keepalived24Peer(LanHost host, int vrid, int priority, int version, TimeSpan advertInterval, IPAddress vip, string? hmac,
        (IPAddress Source, IPAddress Peer)? unicast = null)
    {
        Host = host;
        _dir = Directory.CreateTempSubdirectory("hd-keepalived24-").FullName;
        ConfigPath = Path.Combine(_dir, "keepalived.conf");
        var unicastLines = unicast is { } u ? $"unicast_src_ip {u.Source}\n    unicast_peer {{\n        {u.Peer}\n    }}" : "";
        _config = hmacLines => KeepalivedPeer.Config(host, vrid, priority, version, advertInterval, vip, "",
            unicastLines + "\n" + (hmacLines is null ? "" : $"auth_hmac {{\n{hmacLines}\n    }}"));
        File.WriteAllText(ConfigPath, _config(hmac));
        Process = new ManagedProcess("keepalived24@" + host.Name, host.Namespace, Binary,
            ["--vrrp", "-n", "-l", "-D", "-f", ConfigPath, "-p", Path.Combine(_dir, "k.pid"), "-r", Path.Combine(_dir, "v.pid")]);
    }

    /// <summary>The built keepalived 2.4.3 (building it the first time: a few minutes).</summary>
    public static string Binary => Built.Value;

    public LanHost Host { get; }

    public string ConfigPath { get; }

    public ManagedProcess Process { get; }

    /// <summary>
    /// Rewrites the configuration with other <c>auth_hmac</c> lines and reloads keepalived (SIGHUP to its parent), as an
    /// operator rotating keys does.
    /// </summary>
    public void Reload(string? hmac)
    {
        File.WriteAllText(ConfigPath, _config(hmac));
        Process.Signal(1);
    }

    private static string Build()
    {
        var script = System.IO.Path.Combine(HaDirector.Integration.Tests.Infrastructure.Binary.RepositoryRoot(), "tests", "peers", "keepalived-2.4", "build");
        var result = Shell.RunWithTimeout(TimeSpan.FromMinutes(15), script);
        var path = result.Stdout.Trim().Split('\n')[^1];
        return result.ExitCode == 0 && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"building keepalived 2.4.3 failed ({result.ExitCode}): {result.Stderr}");
    }

    public void Dispose()
    {
        Process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
