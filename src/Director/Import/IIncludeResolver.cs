namespace HaDirector.Director.Import;

/// <summary>
/// The reader's only way to the files, so it is a pure function of the texts it is given (tests and the fuzz
/// harness hand it a dictionary).
/// </summary>
public interface IIncludeResolver
{
    /// <summary>The text of the file, or null when it cannot be read.</summary>
    string? ReadText(string path);

    /// <summary>The files an include pattern (absolute, with <c>*</c>, <c>?</c>, <c>[...]</c>, <c>{a,b}</c>) names, in glob(3)'s order: each <c>{a,b}</c> alternative in turn, sorted within it.</summary>
    IReadOnlyList<string> Glob(string pattern);
}
