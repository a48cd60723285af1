using HaDirector.Fuzz.Harnesses;

namespace HaDirector.Fuzz;

/// <summary>Every harness by name.</summary>
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
        new KeepalivedConfHarness(),
    ];

    public static IHarness Find(string name) =>
        All.FirstOrDefault(h => h.Name == name)
        ?? throw new ArgumentException($"no harness '{name}' (harnesses: {string.Join(", ", All.Select(h => h.Name))})", nameof(name));
}
