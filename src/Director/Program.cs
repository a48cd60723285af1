using HaDirector.Director.Cli;

namespace HaDirector.Director;

/// <summary>The <c>hadirector</c> entry point: the CLI verbs of DESIGN.md §4.</summary>
public static class Program
{
    public static int Main(string[] args) => CommandTable.Invoke(args);
}
