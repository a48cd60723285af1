namespace HaDirector.Director.RealServers;

/// <summary>One kernel parameter by its sysctl name (e.g. net.ipv4.conf.lo.arp_ignore) and a value as /proc/sys shows it.</summary>
public sealed record SysctlSetting(string Key, string Value)
{
    /// <summary>The file under <paramref name="procSysRoot"/> (normally /proc/sys) that holds this parameter.</summary>
    public static string PathOf(string procSysRoot, string key) => Path.Combine(procSysRoot, key.Replace('.', '/'));

    public override string ToString() => $"{Key} = {Value}";
}
