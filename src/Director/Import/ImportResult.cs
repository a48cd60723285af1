namespace HaDirector.Director.Import;

/// <summary>
/// The import of one keepalived.conf: the YAML (null when <see cref="Errors"/> make it unusable), what could not be
/// read or translated (errors), and what was translated otherwise or left out (warnings).
/// </summary>
public sealed record ImportResult(string? Yaml, IReadOnlyList<ImportMessage> Errors, IReadOnlyList<ImportMessage> Warnings);
