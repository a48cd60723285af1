namespace HaDirector.Director.Kernel;

/// <summary>The network namespace's kernel parameters, by their path under /proc/sys (e.g. "net/ipv4/vs/sync_threshold").</summary>
public interface ISysctls
{
    /// <summary>The value as the file shows it, trimmed (e.g. "3\t50" for sync_threshold).</summary>
    /// <exception cref="IOException">No such parameter (e.g. its module is not loaded).</exception>
    string Read(string path);

    void Write(string path, string value);
}
