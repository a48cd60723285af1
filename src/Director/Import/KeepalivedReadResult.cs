namespace HaDirector.Director.Import;

/// <summary>
/// What <see cref="KeepalivedReader"/> made of a keepalived.conf: the statements, the errors that make the file
/// unusable (an unbalanced brace, an include cycle) and the warnings (an include that matched nothing).
/// </summary>
public sealed record KeepalivedReadResult(IReadOnlyList<KeepalivedNode> Nodes, IReadOnlyList<ImportMessage> Errors, IReadOnlyList<ImportMessage> Warnings);
