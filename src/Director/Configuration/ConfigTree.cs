namespace HaDirector.Director.Configuration;

/// <summary>
/// The nodes of one configuration file in three arrays: nodes, list items (node ids) and mapping entries,
/// each list's or mapping's children contiguous. Built bottom-up: children go on a scratch stack while
/// their parent is open and are copied into place when it closes.
/// </summary>
internal sealed class ConfigTree
{
    internal struct NodeData
    {
        public ConfigNodeKind Kind;
        public bool Plain;
        public int Line;
        public int Column;
        public int Index;
        public string? Value;
        public int First;
        public int Count;
    }

    internal struct EntryData
    {
        public string Key;
        public int Line;
        public int Column;
        public int Index;
        public int Value;
    }

    private NodeData[] _nodes;
    private int[] _items = new int[256];
    private EntryData[] _entries;
    private int _nodeCount;
    private int _itemCount;
    private int _entryCount;
    private int[] _openItems = new int[64];
    private int _openItemCount;
    private EntryData[] _openEntries = new EntryData[64];
    private int _openEntryCount;

    /// <param name="keysHint">About how many mapping keys to expect (a file's colons): sizes the arrays once.</param>
    public ConfigTree(int keysHint = 64)
    {
        _nodes = new NodeData[keysHint + (keysHint / 2) + 16];
        _entries = new EntryData[keysHint + 16];
    }

    internal NodeData[] Nodes => _nodes;

    internal int[] Items => _items;

    internal EntryData[] Entries => _entries;

    public ConfigNode Scalar(string value, bool plain, int line, int column, int index) =>
        Add(new NodeData { Kind = ConfigNodeKind.Scalar, Value = value, Plain = plain, Line = line, Column = column, Index = index });

    /// <summary>Opens a list: returns where its items start on the scratch stack.</summary>
    public int BeginSequence() => _openItemCount;

    /// <summary>Opens a mapping: returns where its entries start on the scratch stack.</summary>
    public int BeginMapping() => _openEntryCount;

    public void AddItem(ConfigNode node) => Push(ref _openItems, ref _openItemCount, node.Id);

    public void AddEntry(string key, int line, int column, int index, ConfigNode value) =>
        Push(ref _openEntries, ref _openEntryCount, new EntryData { Key = key, Line = line, Column = column, Index = index, Value = value.Id });

    /// <summary>Whether the mapping opened at <paramref name="mark"/> has this key already.</summary>
    public bool HasOpenKey(int mark, string key)
    {
        for (var i = mark; i < _openEntryCount; i++)
        {
            if (_openEntries[i].Key == key)
            {
                return true;
            }
        }

        return false;
    }

    public ConfigNode EndSequence(int mark, int line, int column, int index)
    {
        var count = _openItemCount - mark;
        var first = Reserve(ref _items, ref _itemCount, count);
        Array.Copy(_openItems, mark, _items, first, count);
        _openItemCount = mark;
        return Add(new NodeData { Kind = ConfigNodeKind.Sequence, Line = line, Column = column, Index = index, First = first, Count = count });
    }

    public ConfigNode EndMapping(int mark, int line, int column, int index)
    {
        var count = _openEntryCount - mark;
        var first = Reserve(ref _entries, ref _entryCount, count);
        Array.Copy(_openEntries, mark, _entries, first, count);
        Array.Clear(_openEntries, mark, count);
        _openEntryCount = mark;
        return Add(new NodeData { Kind = ConfigNodeKind.Mapping, Line = line, Column = column, Index = index, First = first, Count = count });
    }

    private ConfigNode Add(NodeData node)
    {
        var id = Reserve(ref _nodes, ref _nodeCount, 1);
        _nodes[id] = node;
        return new ConfigNode(this, id);
    }

    private static int Reserve<T>(ref T[] array, ref int used, int count)
    {
        if (used + count > array.Length)
        {
            Array.Resize(ref array, Math.Max(array.Length * 2, used + count));
        }

        var first = used;
        used += count;
        return first;
    }

    private static void Push<T>(ref T[] stack, ref int count, T value) => stack[Reserve(ref stack, ref count, 1)] = value;
}
