using System.Text.Json.Serialization;

namespace HaDirector.Director.Control;

/// <summary>Source-generated JSON for the control protocol and <c>status --json</c> (docs/status.schema.json).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UseStringEnumConverter = true,
    WriteIndented = false)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
[JsonSerializable(typeof(StatusReport))]
public sealed partial class ControlJsonContext : JsonSerializerContext;
