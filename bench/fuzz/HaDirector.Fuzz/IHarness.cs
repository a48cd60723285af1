namespace HaDirector.Fuzz;

/// <summary>
/// One fuzz target: feeds untrusted bytes to a parser the way the daemon does. An exception a parser documents for bad
/// input (and its caller handles) is caught inside <see cref="Run"/>; anything that escapes is a finding (AFL: a crash).
/// </summary>
internal interface IHarness
{
    /// <summary>The name bench/fuzz/run and the corpus folder (bench/fuzz/corpus/NAME) use.</summary>
    string Name { get; }

    /// <summary>The assemblies (file names) whose code the harness reaches: only these are instrumented.</summary>
    IReadOnlyList<string> Assemblies { get; }

    void Run(ReadOnlySpan<byte> data);
}
