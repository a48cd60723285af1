namespace HaDirector.HealthCheck.Tests.Support;

/// <summary>Tests that count the shared half-open engine's pending SYNs run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class HalfOpenEngineCollection
{
    public const string Name = "half-open engine";
}
