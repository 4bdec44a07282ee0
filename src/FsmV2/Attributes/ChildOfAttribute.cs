namespace FsmV2;

/// <summary>
/// Declares that this worker may be a child of <see cref="Parent"/>. The generator makes the worker
/// implement <see cref="IChildOf{TParent}"/>, so a parent can only declare children that name it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class ChildOfAttribute : Attribute
{
    /// <summary>Declares the parent worker type.</summary>
    /// <param name="parent">The parent worker type; it must itself be a <see cref="WorkerAttribute">[Worker]</see>.</param>
    public ChildOfAttribute(Type parent) => Parent = parent;

    /// <summary>The parent worker type.</summary>
    public Type Parent { get; }
}
