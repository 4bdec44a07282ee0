namespace FsmV2;

/// <summary>How a decision's target is named in a <see cref="DecisionRecord"/>, when recorded and when replayed.</summary>
internal static class DecisionNames
{
    /// <summary>The target state's or action's name, the signal's name, or <see langword="null"/> (a stay, an index the type does not have).</summary>
    public static string? Target(WorkerDefinition definition, in Next next) => next.Kind switch
    {
        NextKind.Goto when (uint)next.State < (uint)definition.StateCount => definition.GetStateName(next.State),
        NextKind.Do when (uint)next.Action < (uint)definition.ActionCount => definition.GetActionName(next.Action),
        NextKind.Signal => next.Signal switch
        {
            Signal.Remove => nameof(Signal.Remove),
            Signal.Restart => nameof(Signal.Restart),
            _ => null,
        },
        _ => null,
    };
}
