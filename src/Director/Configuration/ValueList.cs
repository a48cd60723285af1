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
    private readonly T[] items;

    public ValueList(IEnumerable<T> items) => this.items = [.. items];

    private ValueList(T[] items) => this.items = items;

    /// <summary>Takes the array as it is (the caller gives it up): no copy, no LINQ.</summary>
    internal static ValueList<T> Own(T[] items) => new(items);

    public int Count => items.Length;

    public T this[int index] => items[index];

    public bool Equals(ValueList<T>? other) =>
        other is not null && items.AsSpan().SequenceEqual(other.items);

    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "[" + string.Join(", ", items) + "]";
}

/// <summary>Lets <c>[a, b]</c> build a <see cref="ValueList{T}"/>.</summary>
public static class ValueList
{
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
}
