namespace HaDirector.Director.Configuration;

/// <summary>Builds and walks paths like <c>virtualServers[1].realServers[0].weight</c>.</summary>
internal static class FieldPath
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Item(string parent, int index) => $"{parent}[{index}]";

    public static string Parent(string path)
    {
        var cut = path.LastIndexOfAny(['.', '[']);
        return cut < 0 ? "" : path[..cut];
    }
}
