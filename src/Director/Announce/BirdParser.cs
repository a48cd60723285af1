namespace HaDirector.Director.Announce;

/// <summary>
/// BIRD 2's answers to <c>show protocols all</c> and <c>show bfd sessions</c>, as the sessions status shows. Pure and
/// defensive: a row it cannot read is skipped, never a crash (the format is meant for people, not programs).
/// </summary>
public static class BirdParser
{
    private const int ProtocolRow = 1002;
    private const int ProtocolDetail = 1006;
    private const int BfdRow = 1020;

    /// <summary>The BGP protocols of <c>show protocols all</c>: name, neighbor, BGP state, last error.</summary>
    public static IReadOnlyList<BgpSessionState> Sessions(BirdReply reply)
    {
        if (reply.IsError)
        {
            throw new IOException($"show protocols: {reply.FinalText}");
        }

        var sessions = new List<BgpSessionState>();
        Row? row = null;
        foreach (var (code, text) in reply.Lines)
        {
            if (code == ProtocolRow)
            {
                Add(row, sessions);
                var columns = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // Name Proto Table State Since Info
                row = columns.Length >= 4 ? new Row(columns[0], columns[1], columns[3], Info(columns)) : null;
            }
            else if (code == ProtocolDetail && row is not null)
            {
                var line = text.Trim();
                if (Value(line, "BGP state:") is { } state)
                {
                    row.BgpState = state;
                }
                else if (Value(line, "Neighbor address:") is { } neighbor)
                {
                    row.Neighbor = neighbor;
                }
                else if (Value(line, "Last error:") is { } error)
                {
                    row.LastError = error;
                }
            }
        }

        Add(row, sessions);
        return sessions;
    }

    /// <summary>The sessions of every BFD protocol; a BIRD without one says so (the note), which is no failure.</summary>
    public static (IReadOnlyList<BfdSessionState> Sessions, string? Note) Bfd(BirdReply reply)
    {
        if (reply.IsError)
        {
            return ([], reply.FinalText);
        }

        var sessions = new List<BfdSessionState>();
        foreach (var (code, text) in reply.Lines)
        {
            var columns = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // "bfd1:" names the protocol; "IP address  Interface  State  Since  Interval  Timeout" is the heading.
            if (code != BfdRow || columns.Length < 3 || columns[0].EndsWith(':') || columns[0] == "IP")
            {
                continue;
            }

            var interfaceName = columns[1] == "---" ? null : columns[1];
            sessions.Add(new BfdSessionState(columns[0], interfaceName, columns[2], columns[2].Equals("Up", StringComparison.OrdinalIgnoreCase)));
        }

        return (sessions, null);
    }

    private static void Add(Row? row, List<BgpSessionState> sessions)
    {
        if (row is not { Protocol: "BGP" })
        {
            return;
        }

        // Without detail lines (plain `show protocols`), the Info column starts with the BGP state.
        var state = row.BgpState ?? row.Info?.Split(' ', 2)[0] ?? row.ProtocolState;
        var info = row.LastError ?? (row.Info?.Split(' ', 2) is [_, var rest] ? rest.Trim() : null);
        sessions.Add(new BgpSessionState(row.Name, row.Neighbor, state, state == "Established", string.IsNullOrEmpty(info) ? null : info));
    }

    /// <summary>What follows the Since column, which is one word (<c>06:13:34.117</c>) or two (<c>2026-12-07 06:13:34</c>).</summary>
    private static string? Info(string[] columns)
    {
        var first = columns.Length > 5 && columns[4].Length == 10 && columns[4][4] == '-' && columns[5].Contains(':') ? 6 : 5;
        return columns.Length > first ? string.Join(' ', columns[first..]) : null;
    }

    private static string? Value(string line, string label) =>
        line.StartsWith(label, StringComparison.Ordinal) ? line[label.Length..].Trim() : null;

    private sealed class Row(string name, string protocol, string protocolState, string? info)
    {
        public string Name { get; } = name;

        public string Protocol { get; } = protocol;

        public string ProtocolState { get; } = protocolState;

        public string? Info { get; } = info;

        public string? BgpState { get; set; }

        public string? Neighbor { get; set; }

        public string? LastError { get; set; }
    }
}
