using System.Text.Json.Serialization;
using HaDirector.Director.Control;

namespace HaDirector.Director.Cli;

/// <summary><c>status --json</c> for people and scripts alike: the wire format, indented.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(StatusReport))]
public sealed partial class IndentedJson : JsonSerializerContext;
