using HaDirector.Director.Cli;

namespace HaDirector.Director;

/// <summary>The <c>hadirector</c> entry point: the CLI verbs of DESIGN.md §4.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // The cold start's first mark (HADIRECTOR_TRACE_TAKEOVER=1): what the runtime took before any of our code ran.
        HaDirector.Vrrp.Timing.TakeoverTrace.Mark("main");
        return CommandTable.Invoke(args);
    }
}
