namespace FsmV2;

/// <summary>A <see cref="ChildSpec"/> for a child of type <typeparamref name="TChild"/>; the type lets
/// <see cref="ChildSpecs{TParent}.Add{TChild}"/> check at compile time that the child may have that parent.</summary>
/// <typeparam name="TChild">The child worker type.</typeparam>
public abstract class ChildSpec<TChild> : ChildSpec
    where TChild : class
{
    private protected ChildSpec(string name, bool enabled)
        : base(name, enabled)
    {
    }
}
