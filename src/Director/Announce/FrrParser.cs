using System.Text.Json;

namespace HaDirector.Director.Announce;

/// <summary>
/// FRR's <c>show bgp summary json</c> and <c>show bfd peers json</c> (vtysh), as the sessions status shows. Defensive:
/// a member missing or of another type is skipped, never a crash; a document that is not JSON is an
/// <see cref="IOException"/> (vtysh printed an error instead).
/// </summary>
public static class FrrParser
{
    /// <summary>One entry per neighbor (a neighbor in several address families once).</summary>
    public static IReadOnlyList<BgpSessionState> Sessions(string json)
    {
        using var document = Parse(json, "show bgp summary json");
        var sessions = new List<BgpSessionState>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return sessions;
        }

        // { "ipv4Unicast": { "peers": { "198.18.1.1": { "state": "Established", "pfxSnt": 1, ... } } }, "ipv6Unicast": ... }
        foreach (var family in document.RootElement.EnumerateObject())
        {
            if (family.Value.ValueKind != JsonValueKind.Object || !family.Value.TryGetProperty("peers", out var peers) || peers.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var peer in peers.EnumerateObject())
            {
                if (peer.Value.ValueKind != JsonValueKind.Object || !seen.Add(peer.Name))
                {
                    continue;
                }

                var state = Text(peer.Value, "state") ?? "unknown";
                var sent = peer.Value.TryGetProperty("pfxSnt", out var count) && count.ValueKind == JsonValueKind.Number ? $"{count.GetRawText()} prefix(es) sent" : null;
                var name = Text(peer.Value, "desc") ?? Text(peer.Value, "hostname") ?? peer.Name;
                sessions.Add(new BgpSessionState(name, peer.Name, state, state == "Established", sent));
            }
        }

        return sessions;
    }

    /// <summary>[ { "peer": "198.18.1.1", "interface": "eth0", "status": "up", ... } ]</summary>
    public static IReadOnlyList<BfdSessionState> BfdPeers(string json)
    {
        using var document = Parse(json, "show bfd peers json");
        var sessions = new List<BfdSessionState>();
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return sessions;
        }

        foreach (var peer in document.RootElement.EnumerateArray())
        {
            if (peer.ValueKind == JsonValueKind.Object && Text(peer, "peer") is { } address)
            {
                var status = Text(peer, "status") ?? "unknown";
                sessions.Add(new BfdSessionState(address, Text(peer, "interface"), status, status == "up"));
            }
        }

        return sessions;
    }

    private static JsonDocument Parse(string json, string command)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            var first = json.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "nothing";
            throw new IOException($"{command}: not JSON: '{BirdReply.Shorten(first)}'");
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
