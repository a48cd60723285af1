using System.Text;
using HaDirector.Vrrp.Crypto;

namespace HaDirector.Director.Control;

/// <summary>
/// Where a running daemon leaves what other processes need to find it: its locks and claims (<see cref="DaemonClaims"/>)
/// and the record of its control socket (<see cref="DaemonRecord"/>). /run/hadirector (systemd's RuntimeDirectory),
/// or $HADIRECTOR_RUNTIME_DIR.
/// </summary>
public static class RuntimeDirectory
{
    public const string Variable = "HADIRECTOR_RUNTIME_DIR";

    public const string Default = "/run/hadirector";

    public static string Path => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given ? given : Default;

    /// <summary>Creates the directory root-only (as systemd's RuntimeDirectoryMode=0700) when it is missing.</summary>
    public static string Ensure(string? path = null)
    {
        path ??= Path;
        if (OperatingSystem.IsLinux() && !Directory.Exists(path))
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>A file name part for any text (a configuration path): short, and the same for the same text.</summary>
    public static string Key(string text) => Convert.ToHexStringLower(Sha256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    /// <summary>The configuration path as the daemon and the CLI both spell it.</summary>
    public static string Canonical(string configPath) => System.IO.Path.GetFullPath(configPath);
}
