using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FsmV2;

/// <summary>
/// An immutable, string-keyed map of variable values, as templates see them. Values are restricted to what a
/// configuration can hold: <see langword="null"/>, <see cref="string"/>, <see cref="bool"/>, numbers (integers are
/// stored as <see cref="long"/>, <see cref="float"/>/<see cref="double"/> as <see cref="double"/>, <see cref="decimal"/>
/// as is), nested maps (stored as <see cref="VariableMap"/>) and lists (stored as <see cref="VariableList"/>).
/// Anything else is rejected when the map is built, naming the variable: templates only ever see plain data, never a
/// .NET object whose members they could reach.
/// </summary>
/// <remarks>
/// Keys are kept in ordinal order, so enumeration, equality and <see cref="ContentHash"/> do not depend on the order
/// the variables were declared in. Equality is structural (deep), values compare by type and value.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "A value type of the variables model (map/list, as in the configuration), not a general-purpose collection.")]
public sealed class VariableMap : IReadOnlyDictionary<string, object?>, IEquatable<VariableMap>
{
    private readonly ImmutableSortedDictionary<string, object?> _values;
    private string? _contentHash;
    private int _hashCode;
    private object? _templateValue;

    private VariableMap(ImmutableSortedDictionary<string, object?> values)
    {
        _values = values;
    }

    /// <summary>The map with no variables.</summary>
    public static VariableMap Empty { get; } = new(ImmutableSortedDictionary.Create<string, object?>(StringComparer.Ordinal));

    /// <summary>
    /// Builds a map from <paramref name="values"/>, checking and normalizing every value (deeply). Passing a
    /// <see cref="VariableMap"/> returns it unchanged.
    /// </summary>
    /// <param name="values">The variables; <see langword="null"/> gives <see cref="Empty"/>.</param>
    /// <exception cref="ArgumentException">A key is empty or a value has a type templates cannot see; the message names the variable's path.</exception>
    public static VariableMap From(IEnumerable<KeyValuePair<string, object?>>? values) => From(values, path: null);

    /// <summary>Looks a variable up by key.</summary>
    /// <param name="key">The variable's name.</param>
    public object? this[string key] => _values[key];

    /// <summary>The variable names, in ordinal order.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>The values, in key order.</summary>
    public IEnumerable<object?> Values => _values.Values;

    /// <summary>How many variables the map holds (top level only).</summary>
    public int Count => _values.Count;

    /// <summary>
    /// A stable hash of the content: the lowercase hex SHA-256 of a canonical encoding of every key and value
    /// (type-tagged, invariant culture). Equal maps have equal hashes in every process and on every machine, so it can
    /// be stored and compared to decide whether something derived from the variables must be redone.
    /// </summary>
    public string ContentHash => _contentHash ??= ComputeContentHash();

    /// <summary>Returns a copy with <paramref name="key"/> set to <paramref name="value"/> (added or replaced).</summary>
    /// <param name="key">The variable's name.</param>
    /// <param name="value">The value; checked and normalized like every other.</param>
    /// <exception cref="ArgumentException">The key is empty or the value has a type templates cannot see.</exception>
    public VariableMap With(string key, object? value)
    {
        CheckKey(key, null);
        return new VariableMap(_values.SetItem(key, Normalize(value, key)));
    }

    /// <summary>
    /// Returns this map with every variable of <paramref name="overrides"/> added, replacing the ones with the same
    /// key. The override is shallow: a nested map in <paramref name="overrides"/> replaces the whole nested map.
    /// </summary>
    /// <param name="overrides">The variables that win.</param>
    public VariableMap Overlay(VariableMap overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        if (overrides.Count == 0)
        {
            return this;
        }

        if (Count == 0)
        {
            return overrides;
        }

        return new VariableMap(_values.SetItems(overrides._values));
    }

    /// <summary>Whether a variable with this key exists.</summary>
    /// <param name="key">The variable's name.</param>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>Looks a variable up by key without throwing.</summary>
    /// <param name="key">The variable's name.</param>
    /// <param name="value">The value when found.</param>
    public bool TryGetValue(string key, out object? value) => _values.TryGetValue(key, out value);

    /// <summary>Enumerates the variables in ordinal key order.</summary>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Deep, structural equality: same keys, and values of the same type and value.</summary>
    /// <param name="other">The map to compare with.</param>
    public bool Equals(VariableMap? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Count != Count || other.GetHashCode() != GetHashCode())
        {
            return false;
        }

        using var mine = _values.GetEnumerator();
        using var theirs = other._values.GetEnumerator();
        while (mine.MoveNext() && theirs.MoveNext())
        {
            if (!string.Equals(mine.Current.Key, theirs.Current.Key, StringComparison.Ordinal) || !ValueEquals(mine.Current.Value, theirs.Current.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is VariableMap other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (_hashCode == 0)
        {
            var hash = default(HashCode);
            foreach (var (key, value) in _values)
            {
                hash.Add(key, StringComparer.Ordinal);
                hash.Add(ValueHashCode(value));
            }

            int computed = hash.ToHashCode();
            _hashCode = computed == 0 ? 1 : computed;
        }

        return _hashCode;
    }

    /// <summary>A short description for debugging: the keys.</summary>
    public override string ToString() => "{" + string.Join(", ", _values.Keys) + "}";

    /// <summary>The template engine's view of this map, built once and kept (the map is immutable).</summary>
    internal object GetOrCreateTemplateValue(Func<VariableMap, object> create)
    {
        object? value = Volatile.Read(ref _templateValue);
        if (value is null)
        {
            value = create(this);
            value = Interlocked.CompareExchange(ref _templateValue, value, null) ?? value;
        }

        return value;
    }

    internal static VariableMap From(IEnumerable<KeyValuePair<string, object?>>? values, string? path)
    {
        if (values is null)
        {
            return Empty;
        }

        if (values is VariableMap map)
        {
            return map;
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            CheckKey(key, path);
            string childPath = path is null ? key : path + "." + key;
            if (builder.ContainsKey(key))
            {
                throw new ArgumentException($"Variable '{childPath}' is declared twice.", nameof(values));
            }

            builder.Add(key, Normalize(value, childPath));
        }

        return builder.Count == 0 ? Empty : new VariableMap(builder.ToImmutable());
    }

    internal static object? Normalize(object? value, string path)
    {
        switch (value)
        {
            case null:
                return null;
            case string or bool or long or double or decimal:
                return CheckNumber(value, path);
            case VariableMap or VariableList:
                return value;
            case int i:
                return (long)i;
            case short s:
                return (long)s;
            case sbyte sb:
                return (long)sb;
            case byte b:
                return (long)b;
            case ushort us:
                return (long)us;
            case uint ui:
                return (long)ui;
            case ulong ul:
                return ul <= long.MaxValue ? (long)ul : (decimal)ul;
            case float f:
                return CheckNumber((double)f, path);
            case char c:
                return c.ToString();
            case IEnumerable<KeyValuePair<string, object?>> map:
                return From(map, path);
            case IEnumerable<KeyValuePair<string, string>> strings:
                return From(strings.Select(static kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)), path);
            case IDictionary dictionary:
                return From(StringKeyed(dictionary, path), path);
            case IEnumerable list:
                return VariableList.From(list, path);
            default:
                throw new ArgumentException(
                    $"Variable '{path}' has type '{value.GetType().FullName}', which templates cannot see. Use strings, numbers, booleans, maps or lists.",
                    nameof(value));
        }
    }

    internal static bool ValueEquals(object? a, object? b) => a is null ? b is null : a.Equals(b);

    internal static int ValueHashCode(object? value) => value?.GetHashCode() ?? 0;

    internal static void WriteCanonical(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append('n');
                break;
            case string s:
                sb.Append('s').Append(s.Length).Append(':').Append(s);
                break;
            case bool b:
                sb.Append(b ? "t" : "f");
                break;
            case long l:
                sb.Append('i').Append(l.ToString(CultureInfo.InvariantCulture)).Append(';');
                break;
            case double d:
                sb.Append('d').Append(d.ToString("R", CultureInfo.InvariantCulture)).Append(';');
                break;
            case decimal m:
                sb.Append('m').Append(m.ToString(CultureInfo.InvariantCulture)).Append(';');
                break;
            case VariableMap map:
                sb.Append('{');
                foreach (var (key, item) in map._values)
                {
                    sb.Append(key.Length).Append(':').Append(key);
                    WriteCanonical(sb, item);
                }

                sb.Append('}');
                break;
            case VariableList list:
                sb.Append('[');
                foreach (object? item in list)
                {
                    WriteCanonical(sb, item);
                }

                sb.Append(']');
                break;
            default:
                throw new InvalidOperationException($"Unexpected variable value type '{value.GetType()}'.");
        }
    }

    internal static string Hash(StringBuilder canonical)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(canonical.ToString());
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static object CheckNumber(object value, string path)
    {
        if (value is double d && !double.IsFinite(d))
        {
            throw new ArgumentException($"Variable '{path}' is {d.ToString(CultureInfo.InvariantCulture)}; only finite numbers can be variables.", nameof(value));
        }

        return value;
    }

    private static IEnumerable<KeyValuePair<string, object?>> StringKeyed(IDictionary dictionary, string path)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key is not string key)
            {
                throw new ArgumentException($"Variable '{path}' is a map with a key of type '{entry.Key.GetType().FullName}'; map keys must be strings.", nameof(dictionary));
            }

            yield return new KeyValuePair<string, object?>(key, entry.Value);
        }
    }

    private static void CheckKey(string key, string? path)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            string where = path is null ? "at the top level" : $"in '{path}'";
            throw new ArgumentException($"A variable name {where} is empty; every variable needs a name.", nameof(key));
        }
    }

    private string ComputeContentHash()
    {
        var sb = new StringBuilder();
        WriteCanonical(sb, this);
        return Hash(sb);
    }
}
