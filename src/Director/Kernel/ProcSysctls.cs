namespace HaDirector.Director.Kernel;

/// <summary><see cref="ISysctls"/> through /proc/sys: per network namespace, as the process sees it.</summary>
public sealed class ProcSysctls(string root = "/proc/sys") : ISysctls
{
    public string Read(string path) => File.ReadAllText(Path.Combine(root, path)).Trim();

    public void Write(string path, string value) => File.WriteAllText(Path.Combine(root, path), value + "\n");
}
