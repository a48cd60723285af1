namespace HaDirector.Fuzz.Harnesses;

/// <summary>
/// The slot for the keepalived.conf importer (issue 17 §1: "any later importer of foreign configuration"), written on
/// the `import` branch at the same time as this one. Once merged: call the importer on
/// <c>Encoding.UTF8.GetString(data)</c>, throw when it answers neither a configuration nor a file:line error, list its
/// assembly below, register the harness in <see cref="Harness.All"/> and seed bench/fuzz/corpus/keepalived-conf with
/// tests/Vrrp.Tests/Fixtures/ka*.conf (bench/fuzz/run picks it up by name; tests/run smokes every registered harness).
/// </summary>
internal sealed class KeepalivedConfHarness : IHarness
{
    public string Name => "keepalived-conf";

    public IReadOnlyList<string> Assemblies => ["hadirector.dll"];

    public void Run(ReadOnlySpan<byte> data) =>
        throw new NotSupportedException("the keepalived.conf importer is not merged yet: see this class's summary");
}
