using System.Collections;

namespace FsmV2;

/// <summary>
/// The children a <typeparamref name="TParent"/> wants, in start order. <see cref="Add{TChild}"/> accepts only
/// workers declared <see cref="ChildOfAttribute">[ChildOf(typeof(TParent))]</see>, so an illegal child does not
/// compile; a duplicate name is refused with the child and parent named.
/// </summary>
/// <typeparam name="TParent">The parent worker type.</typeparam>
public sealed class ChildSpecs<TParent> : IReadOnlyList<ChildSpec>
    where TParent : class
{
    private readonly List<ChildSpec> _specs = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Adds a child.</summary>
    /// <exception cref="ArgumentException">A child with the same name was already added.</exception>
    public ChildSpecs<TParent> Add<TChild>(ChildSpec<TChild> spec)
        where TChild : class, IChildOf<TParent>
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!_names.Add(spec.Name))
        {
            throw new ArgumentException($"Child '{spec.Name}' of a {typeof(TParent).Name} is declared twice; child names must be unique among siblings.", nameof(spec));
        }

        _specs.Add(spec);
        return this;
    }

    /// <inheritdoc />
    public int Count => _specs.Count;

    /// <inheritdoc />
    public ChildSpec this[int index] => _specs[index];

    /// <inheritdoc />
    public IEnumerator<ChildSpec> GetEnumerator() => _specs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
