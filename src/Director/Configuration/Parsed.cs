namespace HaDirector.Director.Configuration;

/// <summary>A scalar's value, or why it is not one; a bad value is data, not an exception.</summary>
internal readonly record struct Parsed<T>(T Value, string? Error)
{
    public bool Ok => Error is null;

    /// <summary>The value converted, or the same error.</summary>
    public Parsed<TOut> Select<TOut>(Func<T, TOut> convert) => Ok ? convert(Value) : new ParseError(Error!);

    public static implicit operator Parsed<T>(T value) => new(value, null);

    public static implicit operator Parsed<T>(ParseError error) => new(default!, error.Message);
}

/// <summary>The failure side of <see cref="Parsed{T}"/>; the message reads after <c>field.path: </c>.</summary>
internal readonly record struct ParseError(string Message);
