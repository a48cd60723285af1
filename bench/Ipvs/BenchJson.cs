using System.Text.Json.Serialization;

namespace HaDirector.Bench.Ipvs;

/// <summary>
/// The child's marks and the suite's figures, serialized by generated code: the bench is a Native AOT
/// binary like the daemon it stands for, where reflection-based serialization is not available. The marks'
/// values are boxed numbers and strings, each listed so the generated code knows them.
/// </summary>
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, List<double>>))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(string))]
internal sealed partial class BenchJson : JsonSerializerContext;
