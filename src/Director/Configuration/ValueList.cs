using System.Collections;
using System.Runtime.CompilerServices;

namespace HaDirector.Director.Configuration;

/// <summary>
/// An immutable list that compares by its items, so that config records compare by value and
/// <see cref="ConfigDiff"/> can tell an unchanged instance from a changed one with plain <c>Equals</c>.
/// </summary>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    public ValueList(IEnumerable<T> items) => _items = [.. items];

    private ValueList(T[] items) => _items = items;

    /// <summary>Takes the array as it is (the caller gives it up): no copy, no LINQ.</summary>
    internal static ValueList<T> Own(T[] items) => new(items);

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    public bool Equals(ValueList<T>? other) =>
        other is not null && _items.AsSpan().SequenceEqual(other._items);

    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}

/// <summary>Lets <c>[a, b]</c> build a <see cref="ValueList{T}"/>.</summary>
public static class ValueList
{
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
}
