using HaDirector.Fuzz.Harnesses;

namespace HaDirector.Fuzz;

/// <summary>Every harness by name. The keepalived.conf importer's slot (<see cref="KeepalivedConfHarness"/>) joins once merged.</summary>
internal static class Harness
{
    public static IReadOnlyList<IHarness> All { get; } =
    [
        new VrrpHarness(),
        new NetlinkHarness(),
        new ConfigHarness(),
        new ControlHarness(),
        new HttpHeadHarness(),
        new AgentReplyHarness(),
        new TcpExpectHarness(),
    ];

    public static IHarness Find(string name) =>
        All.FirstOrDefault(h => h.Name == name)
        ?? throw new ArgumentException($"no harness '{name}' (harnesses: {string.Join(", ", All.Select(h => h.Name))})", nameof(name));
}
