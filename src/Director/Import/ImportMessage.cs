namespace HaDirector.Director.Import;

/// <summary>A problem of the import, at the keepalived.conf line it is about: <c>FILE:LINE: KEYWORD: text</c>.</summary>
public sealed record ImportMessage(SourceLocation Location, string Keyword, string Text)
{
    public override string ToString() => Keyword.Length == 0 ? $"{Location}: {Text}" : $"{Location}: {Keyword}: {Text}";
}
