namespace FsmV2;

/// <summary>
/// Declares the states a state may go to. A <c>Goto</c> to any other state is rejected at build time
/// and, if it slips through, refused at run time. Use <c>nameof</c> so renames follow.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class TransitionsToAttribute : Attribute
{
    /// <summary>Declares the target states of this state.</summary>
    /// <param name="states">Names of the target state methods.</param>
    public TransitionsToAttribute(params string[] states) => States = states ?? [];

    /// <summary>The names of the declared target states.</summary>
    public IReadOnlyList<string> States { get; }
}
