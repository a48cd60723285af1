namespace HaDirector.Director.Configuration;

/// <summary>The names an enum's members are written with in the file, so a member's C# name can change freely.</summary>
internal sealed class YamlNames<T>(params (string Name, T Value)[] members)
    where T : struct, Enum
{
    public IEnumerable<string> Names => members.Select(m => m.Name);

    public Parsed<T> Parse(string text)
    {
        foreach (var (name, value) in members)
        {
            if (name == text)
            {
                return value;
            }
        }

        return new ParseError(ScalarParsers.OneOfMessage(text, [.. Names]));
    }

    public string Name(T value) => members.First(m => EqualityComparer<T>.Default.Equals(m.Value, value)).Name;
}
