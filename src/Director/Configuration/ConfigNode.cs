using System.Collections;
using YamlDotNet.Core;

namespace HaDirector.Director.Configuration;

internal enum ConfigNodeKind : byte
{
    Scalar,
    Sequence,
    Mapping,
}

/// <summary>One key of a mapping, with the key's own position (unknown keys are reported there).</summary>
internal readonly record struct ConfigEntry(string Key, int Line, int Column, int Index, ConfigNode Value)
{
    public Mark KeyStart => new(Index, Line, Column);
}

/// <summary>
/// A node of the configuration file as the reader needs it: a scalar's text and whether it was plain (so
/// <c>null</c> and <c>~</c> mean absent only unquoted), a list's items, a mapping's keys in file order, and
/// where each starts. A handle into its <see cref="ConfigTree"/>: the file's nodes live in a few arrays, not
/// an object each (the loaded file's source map keeps the tree, and 60,000 small objects cost a long GC).
/// </summary>
internal readonly struct ConfigNode(ConfigTree tree, int id)
{
    private ref readonly ConfigTree.NodeData Data => ref tree.Nodes[id];

    internal int Id => id;

    public ConfigNodeKind Kind => Data.Kind;

    public int Line => Data.Line;

    public int Column => Data.Column;

    /// <summary>The character offset in the file.</summary>
    public int Index => Data.Index;

    public Mark Start => new(Data.Index, Data.Line, Data.Column);

    /// <summary>A scalar's text; null for lists and mappings.</summary>
    public string? Value => Data.Value;

    public bool Plain => Data.Plain;

    public ItemList Items => Data.Kind == ConfigNodeKind.Sequence ? new(tree, Data.First, Data.Count) : default;

    public EntryList Entries => Data.Kind == ConfigNodeKind.Mapping ? new(tree, Data.First, Data.Count) : default;

    public readonly struct ItemList(ConfigTree tree, int first, int count) : IReadOnlyList<ConfigNode>
    {
        public int Count => count;

        public ConfigNode this[int index] =>
            (uint)index < (uint)count ? new(tree, tree.Items[first + index]) : throw new ArgumentOutOfRangeException(nameof(index));

        public ListEnumerator<ItemList, ConfigNode> GetEnumerator() => new(this);

        IEnumerator<ConfigNode> IEnumerable<ConfigNode>.GetEnumerator() => GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public readonly struct EntryList(ConfigTree tree, int first, int count) : IReadOnlyList<ConfigEntry>
    {
        public int Count => count;

        public ConfigEntry this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)count, nameof(index));
                ref readonly var entry = ref tree.Entries[first + index];
                return new ConfigEntry(entry.Key, entry.Line, entry.Column, entry.Index, new ConfigNode(tree, entry.Value));
            }
        }

        public ListEnumerator<EntryList, ConfigEntry> GetEnumerator() => new(this);

        IEnumerator<ConfigEntry> IEnumerable<ConfigEntry>.GetEnumerator() => GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>foreach over a node's items or entries without boxing the list.</summary>
internal struct ListEnumerator<TList, T>(TList list) : IEnumerator<T>
    where TList : struct, IReadOnlyList<T>
{
    private int _next;

    public T Current { get; private set; } = default!;

    readonly object? IEnumerator.Current => Current;

    public bool MoveNext()
    {
        if (_next >= list.Count)
        {
            return false;
        }

        Current = list[_next++];
        return true;
    }

    public void Reset() => _next = 0;

    public readonly void Dispose()
    {
    }
}
