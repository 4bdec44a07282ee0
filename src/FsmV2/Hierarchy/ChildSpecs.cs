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
        return AddChecked(spec);
    }

    private ChildSpecs<TParent> AddChecked(ChildSpec spec)
    {
        if (!_names.Add(spec.Name))
        {
            throw new ArgumentException($"Child '{spec.Name}' of a {typeof(TParent).Name} is declared twice; child names must be unique among siblings.", nameof(spec));
        }

        _specs.Add(spec);
        return this;
    }

    /// <summary>
    /// Binds only for a child that is not <see cref="ChildOfAttribute">[ChildOf(typeof(TParent))]</see> (or a spec typed
    /// only as <see cref="ChildSpec"/>): the FSMV019 analyzer reports such a call at the spec, with a code fix adding the
    /// attribute, instead of the compiler's generic-constraint error; at run time it adds a child of
    /// <typeparamref name="TParent"/> and refuses any other.
    /// </summary>
    /// <exception cref="ArgumentException">The child may not have this parent, or its name was already added.</exception>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public ChildSpecs<TParent> Add(ChildSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!typeof(IChildOf<TParent>).IsAssignableFrom(spec.ChildType))
        {
            throw new ArgumentException(
                $"Child '{spec.Name}' is a {spec.WorkerType}, which is not [ChildOf(typeof({typeof(TParent).Name}))] (FSMV019): declare the attribute on {spec.WorkerType} to make it a child of a {typeof(TParent).Name}.",
                nameof(spec));
        }

        return AddChecked(spec);
    }

    /// <inheritdoc />
    public int Count => _specs.Count;

    /// <inheritdoc />
    public ChildSpec this[int index] => _specs[index];

    /// <inheritdoc />
    public IEnumerator<ChildSpec> GetEnumerator() => _specs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
