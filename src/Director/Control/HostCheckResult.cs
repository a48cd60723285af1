using HaDirector.Director.Configuration;

namespace HaDirector.Director.Control;

/// <summary>What <see cref="HostCheck"/> found: errors stop run and reload, warnings are only said.</summary>
public sealed record HostCheckResult(IReadOnlyList<ConfigError> Errors, IReadOnlyList<ConfigError> Warnings)
{
    /// <summary>Each warning and error on its own line, as check-config prints the file's errors; true when there were errors.</summary>
    public bool WriteTo(TextWriter writer)
    {
        foreach (var warning in Warnings)
        {
            writer.WriteLine($"warning: {warning}");
        }

        foreach (var error in Errors)
        {
            writer.WriteLine(error.ToString());
        }

        if (Errors.Count > 0)
        {
            writer.WriteLine($"{Errors.Count} error(s) on this host");
        }

        return Errors.Count > 0;
    }
}
