namespace HaDirector.Director.Kernel;

/// <summary>Loads kernel modules.</summary>
public interface IKernelModules
{
    /// <summary>Best effort: a module that cannot be loaded shows as the error of what needed it.</summary>
    void Load(string module);
}
