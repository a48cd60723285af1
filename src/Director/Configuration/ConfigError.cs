namespace HaDirector.Director.Configuration;

/// <summary>One problem found in a configuration file, at the line and column of the value it is about.</summary>
/// <param name="FieldPath">Like <c>vrrp.instances[0].priority</c>; empty when no field applies (a YAML syntax error).</param>
public sealed record ConfigError(string File, int Line, int Column, string FieldPath, string Message)
{
    /// <summary><c>FILE:LINE:COL: FIELD.PATH: message</c>, the shape editors and CI annotators already jump to.</summary>
    public override string ToString() =>
        FieldPath.Length == 0
            ? $"{File}:{Line}:{Column}: {Message}"
            : $"{File}:{Line}:{Column}: {FieldPath}: {Message}";
}
