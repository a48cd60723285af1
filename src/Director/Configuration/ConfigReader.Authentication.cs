using System.Text;
using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Director.Configuration;

/// <summary>
/// <c>authentication: {type: hmac, ...}</c> (draft-cassen-vrrp-auth-hmac; keepalived 2.4 <c>auth_hmac</c>). Key values are
/// secrets: no message here ever quotes one, and a key given as something else than a scalar is reported without its text.
/// </summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] HmacKeyKeys = ["id", "key"];

    private static readonly YamlNames<VrrpHmacMode> HmacModes = new(
        ("enforce", VrrpHmacMode.Enforce), ("permissive", VrrpHmacMode.Permissive), ("receiveOnly", VrrpHmacMode.ReceiveOnly));

    private static readonly YamlNames<VrrpAntiReplay> AntiReplayModes = new(("time", VrrpAntiReplay.Time), ("monotonic", VrrpAntiReplay.Monotonic));

    private static bool IsHmac(YamlMap map) => map.Node("type") is { Kind: ConfigNodeKind.Scalar, Value: "hmac" };

    /// <summary>The instance with its HMAC settings, when its authentication is <c>type: hmac</c>.</summary>
    private VrrpInstanceConfig WithHmac(VrrpInstanceConfig instance, YamlMap? map)
    {
        if (map is null || !IsHmac(map))
        {
            return instance;
        }

        var keys = new List<VrrpHmacKey>();
        foreach (var item in map.Items("keys"))
        {
            if (item.Node.Kind != ConfigNodeKind.Mapping)
            {
                // YamlMap would quote the value, which may well be the secret itself.
                diagnostics.Report(item.Path, item.Node.Start, "expected a mapping of id, key");
                continue;
            }

            var keyMap = YamlMap.Open(item, diagnostics, HmacKeyKeys)!;
            if (ReadHmacKey(keyMap) is not { } key)
            {
                continue;
            }

            if (keys.Any(k => k.Id == key.Id))
            {
                diagnostics.Report(keyMap.Child("id"), $"key id {key.Id} is already used by another key of this instance");
                continue;
            }

            keys.Add(key);
        }

        if (map.Items("keys").Length == 0 && !diagnostics.IsBroken(map.Child("keys")))
        {
            diagnostics.Report(map.Child("keys"), "needs at least one key");
        }

        var window = map.ReadOptional("timeWindow", ScalarParsers.Duration(VrrpHmacSettings.MinWindow, VrrpHmacSettings.MaxWindow));
        var activeKey = (byte)map.Require("activeKey", ScalarParsers.Int(1, 255), 0);
        if (activeKey != 0 && !keys.Any(k => k.Id == activeKey) && !diagnostics.IsBrokenWithin(map.Child("keys")))
        {
            var ids = string.Join(", ", keys.Select(k => k.Id));
            diagnostics.Report(map.Child("activeKey"), $"key {activeKey} is not among the keys ({ids}); the active key signs every advert");
        }

        var settings = new VrrpHmacSettings(
            keys,
            activeKey,
            map.Read("mode", HmacModes.Parse, VrrpHmacMode.Enforce),
            map.Read("antiReplay", AntiReplayModes.Parse, VrrpAntiReplay.Time),
            window ?? VrrpHmacSettings.DefaultWindow(instance.AdvertInterval));
        var routed = map.Read("acceptRoutedUnicast", ScalarParsers.Bool, false);
        if (routed && (settings.Mode != VrrpHmacMode.Enforce || instance.UnicastPeers.Count == 0))
        {
            // Without the TTL check only a verified HMAC proves where an advert comes from.
            diagnostics.Report(map.Child("acceptRoutedUnicast"), "needs mode: enforce and unicastPeers: the HMAC must replace the TTL 255 check");
        }

        return instance with { Hmac = settings, AcceptRoutedUnicast = routed };
    }

    private VrrpHmacKey? ReadHmacKey(YamlMap map)
    {
        var id = map.Require("id", ScalarParsers.Int(1, 255), 0);
        if (map.Node("key") is not { } node)
        {
            map.Require("key", ScalarParsers.NonEmpty, "");
            return null;
        }

        var path = map.Child("key");
        if (node.Kind != ConfigNodeKind.Scalar)
        {
            diagnostics.Report(path, node.Start, "expected a single value: hex:..., file:PATH or an ASCII string");
            return null;
        }

        var bytes = ReadKeyBytes(node.Value!, out var problem);
        if (problem is not null)
        {
            diagnostics.Report(path, node.Start, problem);
        }

        if (bytes is null || id == 0)
        {
            return null;
        }

        if (bytes.Length is < VrrpHmacKey.MinLength or > VrrpHmacKey.MaxLength)
        {
            diagnostics.Report(path, node.Start,
                $"key {id} is {bytes.Length} bytes; an HMAC key is {VrrpHmacKey.MinLength}..{VrrpHmacKey.MaxLength} bytes");
            return null;
        }

        return new VrrpHmacKey((byte)id, bytes);
    }

    /// <summary>
    /// <c>hex:</c> raw bytes, <c>file:PATH</c> (holding either form; <c>$CREDENTIALS_DIRECTORY</c> expands, for systemd
    /// credentials), or the ASCII string itself, as keepalived reads them. <paramref name="problem"/> never quotes a key.
    /// </summary>
    internal static byte[]? ReadKeyBytes(string value, out string? problem)
    {
        problem = null;
        if (value.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = ExpandCredentials(value[5..]);
            if (path is null)
            {
                problem = "the key file names $CREDENTIALS_DIRECTORY, which is not set (systemd sets it for LoadCredential=)";
                return null;
            }

            if (!File.Exists(path))
            {
                problem = $"key file {path} does not exist";
                return null;
            }

            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0)
            {
                problem = $"key file {path} is readable by others than its owner; make it mode 0600 or 0400 (chmod go= {path})";
                return null;
            }

            string text;
            try
            {
                text = File.ReadAllText(path).TrimEnd('\r', '\n');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problem = $"key file {path} cannot be read: {ex.GetType().Name}";
                return null;
            }

            return text.StartsWith("file:", StringComparison.Ordinal) ? Invalid(out problem, "a key file cannot name another file") : ReadKeyBytes(text, out problem);
        }

        if (value.StartsWith("hex:", StringComparison.Ordinal))
        {
            var hex = value[4..];
            if (hex.Length % 2 != 0 || !hex.All(Uri.IsHexDigit))
            {
                return Invalid(out problem, "hex: needs an even number of hexadecimal digits");
            }

            return Convert.FromHexString(hex);
        }

        return value.All(c => c is >= ' ' and <= '~') ? Encoding.ASCII.GetBytes(value) : Invalid(out problem, "an ASCII key holds printable ASCII only; use hex: for raw bytes");
    }

    private static byte[]? Invalid(out string? problem, string message)
    {
        problem = message;
        return null;
    }

    private static string? ExpandCredentials(string path)
    {
        foreach (var name in new[] { "${CREDENTIALS_DIRECTORY}", "$CREDENTIALS_DIRECTORY" })
        {
            if (path.Contains(name, StringComparison.Ordinal))
            {
                return Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } directory
                    ? path.Replace(name, directory, StringComparison.Ordinal)
                    : null;
            }
        }

        return path;
    }
}
