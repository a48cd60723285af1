namespace HaDirector.Director.Import;

/// <summary>
/// One statement of a keepalived.conf after includes, definitions and conditions: a keyword, its arguments and,
/// when a <c>{ }</c> block follows, the statements inside (a value list such as <c>unicast_peer { a b }</c> gives one
/// child per line, its first word as the keyword).
/// </summary>
public sealed record KeepalivedNode(string Keyword, IReadOnlyList<string> Args, SourceLocation Location, IReadOnlyList<KeepalivedNode>? Children)
{
    public string? Arg(int index) => index < Args.Count ? Args[index] : null;

    /// <summary>The keyword followed by its arguments, for messages.</summary>
    public string Text => Args.Count == 0 ? Keyword : $"{Keyword} {string.Join(' ', Args)}";

    /// <summary>Every word of the block's lines, in order (value lists written several to a line).</summary>
    public IEnumerable<(string Word, SourceLocation Location)> Words() =>
        (Children ?? []).SelectMany(c => c.Args.Prepend(c.Keyword).Select(w => (w, c.Location)));
}
