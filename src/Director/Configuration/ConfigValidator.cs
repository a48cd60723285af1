using System.Text.RegularExpressions;

namespace HaDirector.Director.Configuration;

/// <summary>
/// Checks that need more than one value: protocol limits that depend on the VRRP version, uniqueness,
/// and references between sections. Values already reported while reading are skipped, so one mistake
/// gives one error.
/// </summary>
internal sealed partial class ConfigValidator(DirectorConfig config, ConfigDiagnostics diagnostics)
{
    public static void Validate(DirectorConfig config, ConfigDiagnostics diagnostics)
    {
        var validator = new ConfigValidator(config, diagnostics);
        validator.ValidateInstances();
        validator.ValidateVirtualServers();
    }

    private bool Usable(params string[] paths) => !paths.Any(diagnostics.IsBroken);

    /// <summary>Reports a value that repeats an earlier one with the same key, naming the first.</summary>
    private void ReportRepeats<T>(IEnumerable<(T Item, string Path)> items, Func<T, object?> key, Func<T, string, string> message)
    {
        var first = new Dictionary<object, string>();
        foreach (var (item, path) in items)
        {
            if (!Usable(path) || key(item) is not { } k)
            {
                continue;
            }

            if (first.TryGetValue(k, out var earlier))
            {
                diagnostics.Report(path, message(item, earlier));
            }
            else
            {
                first[k] = path;
            }
        }
    }

    private static IEnumerable<(T Item, string Path)> Indexed<T>(IReadOnlyList<T> items, string path, string? field = null) =>
        items.Select((item, i) => (item, field is null ? FieldPath.Item(path, i) : FieldPath.Child(FieldPath.Item(path, i), field)));

    private static bool TryCompile(string pattern, out string error)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            error = "";
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }
}
