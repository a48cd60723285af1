namespace HaDirector.Director.Ipvs;

/// <summary>The namespace's IPVS kernel parameters (/proc/sys/net/ipv4/vs/NAME), by their file name.</summary>
public interface IIpvsSysctls
{
    /// <summary>The value as the file shows it, trimmed (e.g. "3\t50" for sync_threshold).</summary>
    string Read(string name);

    void Write(string name, string value);
}
