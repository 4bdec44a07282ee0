namespace FsmV2;

/// <summary>
/// Implemented by a desired state that carries variables. A parent's variables flow down the tree: each child
/// renders its templated spec with <c>VariableBundle.Merge(parent's variables, its own)</c> — User and Global are
/// inherited (the child's own values win), Internal is not — and passes the result on to its own children.
/// </summary>
public interface IHasVariables
{
    /// <summary>This worker's own variables.</summary>
    VariableBundle Variables { get; }
}
