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

    /// <summary>
    /// Reports each list item whose key repeats an earlier item's, naming the first. Items whose key fields
    /// were already reported are left out: their placeholder values would look like repeats of each other.
    /// </summary>
    /// <param name="reportField">The field the error points at; null: the whole item.</param>
    private void ReportRepeats<T>(
        IReadOnlyList<T> items, string listPath, string? reportField, string[] keyFields, Func<T, object?> key, Func<T, string, string> message)
    {
        var usable = items
            .Select((item, i) => (Item: item, Path: FieldPath.Item(listPath, i)))
            .Where(x => Usable(x.Path) && !keyFields.Any(f => diagnostics.IsBrokenWithin(FieldPath.Child(x.Path, f))))
            .Select(x => (x.Item, reportField is null ? x.Path : FieldPath.Child(x.Path, reportField)));
        ReportRepeats(usable, key, message);
    }

    private void ReportRepeats<T>(IEnumerable<(T Item, string Path)> items, Func<T, object?> key, Func<T, string, string> message)
    {
        var first = new Dictionary<object, string>();
        foreach (var (item, path) in items)
        {
            if (key(item) is not { } k)
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
