namespace HaDirector.Director.Import;

/// <summary>
/// The reader's only way to the files, so it is a pure function of the texts it is given (tests and the fuzz
/// harness hand it a dictionary).
/// </summary>
public interface IIncludeResolver
{
    /// <summary>The text of the file, or null when it cannot be read.</summary>
    string? ReadText(string path);

    /// <summary>The files an include pattern (absolute, with <c>*</c>, <c>?</c>, <c>[...]</c>, <c>{a,b}</c>) names, sorted as glob(3) sorts.</summary>
    IReadOnlyList<string> Glob(string pattern);
}
