namespace HaDirector.Director.Import;

/// <summary>Where a keepalived.conf token came from: the file as the include named it, and its line.</summary>
public readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}
