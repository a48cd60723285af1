using HaDirector.HealthCheck.Probes;

namespace HaDirector.Fuzz.Harnesses;

/// <summary>An agent-check reply (HAProxy's protocol) as AgentProbe hands it over: at most 512 bytes, parsed into a verdict.</summary>
internal sealed class AgentReplyHarness : IHarness
{
    public string Name => "agent-reply";

    public IReadOnlyList<string> Assemblies => ["HaDirector.HealthCheck.dll"];

    public void Run(ReadOnlySpan<byte> data) =>
        AgentReply.Parse(data.Length > AgentReply.MaxLength ? data[..AgentReply.MaxLength] : data);
}
