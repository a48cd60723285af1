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
        validator.ValidateTracking();
        validator.ValidateAnnounce();
    }

    private bool Usable(string path) => !diagnostics.IsBroken(path);

    private bool Usable(string path, string other) => !diagnostics.IsBroken(path) && !diagnostics.IsBroken(other);

    /// <summary>
    /// Reports each list item whose key repeats an earlier item's, naming the first. Items whose key fields
    /// were already reported are left out: their placeholder values would look like repeats of each other.
    /// </summary>
    /// <param name="reportField">The field the error points at; null: the whole item.</param>
    private void ReportRepeats<T>(
        IReadOnlyList<T> items, string listPath, string? reportField, string[] keyFields, Func<T, object?> key, Func<T, string, string> message)
    {
        // Paths are built only for a file with errors (to skip broken items) and for the repeats themselves:
        // a clean file of 10,000 real servers would otherwise build three strings per real server.
        string PathOf(int i) => reportField is null ? FieldPath.Item(listPath, i) : FieldPath.Child(FieldPath.Item(listPath, i), reportField);
        var first = new Dictionary<object, int>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (key(items[i]) is { } k && (!diagnostics.HasBroken || UsableItem(FieldPath.Item(listPath, i), keyFields))
                && !first.TryAdd(k, i))
            {
                diagnostics.Report(PathOf(i), message(items[i], PathOf(first[k])));
            }
        }
    }

    private bool UsableItem(string path, string[] keyFields)
    {
        if (!Usable(path))
        {
            return false;
        }

        foreach (var field in keyFields)
        {
            if (diagnostics.IsBrokenWithin(FieldPath.Child(path, field)))
            {
                return false;
            }
        }

        return true;
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
