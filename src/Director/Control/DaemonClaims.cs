using System.Globalization;
using HaDirector.Director.Configuration;

namespace HaDirector.Director.Control;

/// <summary>
/// What this daemon owns on its host, as flock()ed files in the runtime directory: its configuration file, each
/// (interface, VRID) it runs and each VIP it may hold. The kernel drops a flock with its process, so a crash leaves no
/// claim behind; a second daemon that finds one taken refuses to start before touching anything (it would otherwise
/// remove the first one's live VIPs as "left by an earlier run"). Keys include the network namespace: interfaces
/// and addresses belong to one.
/// </summary>
public sealed class DaemonClaims : IDisposable
{
    private readonly Dictionary<string, FileStream> _held = new(StringComparer.Ordinal);
    private readonly string _owner;
    private readonly string _namespace = NetworkNamespace();

    private readonly string _directory;

    private DaemonClaims(string configPath, string directory)
    {
        _owner = $"pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}, config {RuntimeDirectory.Canonical(configPath)}";
        _directory = directory;
    }

    /// <summary>Claims everything <paramref name="config"/> needs; null and the reason when another daemon holds any of it.</summary>
    /// <param name="directory">Null: <see cref="RuntimeDirectory.Path"/>.</param>
    public static DaemonClaims? TryAcquire(string configPath, DirectorConfig config, out string? refusal, string? directory = null)
    {
        var claims = new DaemonClaims(configPath, directory ?? RuntimeDirectory.Path);
        refusal = claims.Claim(config, $"configuration {RuntimeDirectory.Canonical(configPath)}");
        if (refusal is null)
        {
            return claims;
        }

        claims.Dispose();
        return null;
    }

    /// <summary>
    /// Claims what <paramref name="config"/> adds and releases what it no longer needs; changes nothing and returns why
    /// when another daemon holds a part of it (a reload then keeps the running configuration).
    /// </summary>
    public string? Update(DirectorConfig config) => Claim(config, configuration: null);

    public void Dispose()
    {
        foreach (var held in _held.Values)
        {
            held.Dispose();
        }

        _held.Clear();
    }

    private string? Claim(DirectorConfig config, string? configuration)
    {
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        if (configuration is not null)
        {
            wanted[$"config-{_namespace}-{RuntimeDirectory.Key(configuration)}"] = configuration;
        }
        else
        {
            foreach (var key in _held.Keys.Where(k => k.StartsWith("config-", StringComparison.Ordinal)))
            {
                wanted[key] = key;
            }
        }

        foreach (var instance in config.Vrrp.Instances)
        {
            wanted[$"vrid-{_namespace}-{instance.Interface}-{instance.VirtualRouterId}"] = $"VRID {instance.VirtualRouterId} on {instance.Interface}";
            foreach (var vip in instance.HeldAddresses)
            {
                wanted[$"vip-{_namespace}-{vip.Address}"] = $"virtual address {vip.Address}";
            }
        }

        var directory = RuntimeDirectory.Ensure(_directory);
        var added = new List<string>();
        foreach (var (key, what) in wanted)
        {
            if (_held.ContainsKey(key))
            {
                continue;
            }

            var path = Path.Combine(directory, key + ".lock");
            try
            {
                // FileShare.None is flock(LOCK_EX | LOCK_NB) on Linux: taken or refused at once, dropped with the process.
                _held[key] = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                added.Add(key);
            }
            catch (IOException)
            {
                foreach (var undo in added)
                {
                    _held.Remove(undo, out var stream);
                    stream?.Dispose();
                }

                return $"another hadirector ({OwnerOf(path)}) already runs {what}";
            }
        }

        foreach (var key in added)
        {
            File.WriteAllText(Path.Combine(directory, key + ".owner"), _owner);
        }

        foreach (var key in _held.Keys.Where(k => !wanted.ContainsKey(k)).ToList())
        {
            _held.Remove(key, out var stream);
            stream?.Dispose();
        }

        return null;
    }

    /// <summary>The lock file itself cannot be read while held (.NET takes a shared flock to read): a note beside it says who.</summary>
    private static string OwnerOf(string lockPath)
    {
        try
        {
            return File.ReadAllText(Path.ChangeExtension(lockPath, ".owner")).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "owner unknown";
        }
    }

    /// <summary>The network namespace's inode (net:[4026531840]): the same interface name in two namespaces is two interfaces.</summary>
    internal static string NetworkNamespace()
    {
        var target = new FileInfo("/proc/self/ns/net").LinkTarget ?? "";
        var digits = new string([.. target.Where(char.IsAsciiDigit)]);
        return digits.Length > 0 ? digits : "net";
    }
}
