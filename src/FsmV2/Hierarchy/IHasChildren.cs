namespace FsmV2;

/// <summary>
/// Implemented by the desired state of a parent worker: the children it wants. The supervisor reconciles the live
/// children to this list every tick — adding missing ones, updating a child whose spec changed, and shutting down
/// gracefully those no longer listed.
/// </summary>
public interface IHasChildren
{
    /// <summary>The wanted children, in start order.</summary>
    IReadOnlyList<ChildSpec> Children { get; }
}
