namespace FsmV2;

/// <summary>
/// Implemented by the generator for every worker marked <see cref="ChildOfAttribute">[ChildOf(typeof(TParent))]</see>:
/// the compile-time proof that this worker may be declared as a child of <typeparamref name="TParent"/>.
/// </summary>
/// <typeparam name="TParent">The parent worker type.</typeparam>
public interface IChildOf<TParent>
    where TParent : class
{
}
