using System.Collections;
using System.Collections.Immutable;

namespace FsmV2;

/// <summary>
/// An immutable list of variable values (the same kinds a <see cref="VariableMap"/> holds), with deep, structural
/// equality. Templates iterate it with <c>{% for %}</c> and index it with <c>[n]</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "A value type of the variables model (map/list, as in the configuration), not a general-purpose collection.")]
public sealed class VariableList : IReadOnlyList<object?>, IEquatable<VariableList>
{
    private readonly ImmutableArray<object?> _items;
    private int _hashCode;

    private VariableList(ImmutableArray<object?> items)
    {
        _items = items;
    }

    /// <summary>The empty list.</summary>
    public static VariableList Empty { get; } = new(ImmutableArray<object?>.Empty);

    /// <summary>Builds a list, checking and normalizing every item like <see cref="VariableMap.From(IEnumerable{KeyValuePair{string, object}})"/> does.</summary>
    /// <param name="items">The items; <see langword="null"/> gives <see cref="Empty"/>.</param>
    /// <exception cref="ArgumentException">An item has a type templates cannot see; the message names its index.</exception>
    public static VariableList From(IEnumerable? items) => From(items, "list");

    /// <summary>The item at <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based position.</param>
    public object? this[int index] => _items[index];

    /// <summary>How many items the list holds.</summary>
    public int Count => _items.Length;

    /// <summary>Enumerates the items in order.</summary>
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Deep, structural equality: same length, and items of the same type and value in the same order.</summary>
    /// <param name="other">The list to compare with.</param>
    public bool Equals(VariableList? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Count != Count)
        {
            return false;
        }

        for (int i = 0; i < _items.Length; i++)
        {
            if (!VariableMap.ValueEquals(_items[i], other._items[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is VariableList other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (_hashCode == 0)
        {
            var hash = default(HashCode);
            foreach (object? item in _items)
            {
                hash.Add(VariableMap.ValueHashCode(item));
            }

            int computed = hash.ToHashCode();
            _hashCode = computed == 0 ? 1 : computed;
        }

        return _hashCode;
    }

    /// <summary>A short description for debugging: the item count.</summary>
    public override string ToString() => $"[{Count} items]";

    internal static VariableList From(IEnumerable? items, string path)
    {
        if (items is null)
        {
            return Empty;
        }

        if (items is VariableList list)
        {
            return list;
        }

        var builder = ImmutableArray.CreateBuilder<object?>();
        int index = 0;
        foreach (object? item in items)
        {
            builder.Add(VariableMap.Normalize(item, $"{path}[{index}]"));
            index++;
        }

        return builder.Count == 0 ? Empty : new VariableList(builder.ToImmutable());
    }
}
