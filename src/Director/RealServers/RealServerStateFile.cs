using System.Text.Json;
using System.Text.Json.Serialization;

namespace HaDirector.Director.RealServers;

/// <summary>Reads and writes <see cref="RealServerState"/> as JSON; a write replaces the file atomically.</summary>
public static class RealServerStateFile
{
    public static RealServerState? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), RealServerStateJson.Default.RealServerState)
                ?? throw new InvalidDataException($"{path}: empty state file");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a realserver state file ({ex.Message}); fix or remove it", ex);
        }
    }

    public static void Save(string path, RealServerState state)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write then rename: a crash mid-write must never lose the values down needs to restore.
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, RealServerStateJson.Default.RealServerState) + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    public static void Delete(string path) => File.Delete(path);
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RealServerState))]
internal sealed partial class RealServerStateJson : JsonSerializerContext;
