namespace FsmV2.Testing;

/// <summary>One declared transition of a worker, by state name.</summary>
/// <param name="From">The state the transition leaves.</param>
/// <param name="To">The state it enters.</param>
public readonly record struct Transition(string From, string To)
{
    /// <summary><c>From -> To</c>.</summary>
    public override string ToString() => $"{From} -> {To}";

    /// <summary>Every transition <paramref name="definition"/> declares, state by state in declaration order.</summary>
    public static IReadOnlyList<Transition> DeclaredBy(WorkerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var declared = new List<Transition>();
        for (int from = 0; from < definition.StateCount; from++)
        {
            foreach (int to in definition.GetTransitions(from))
            {
                declared.Add(new Transition(definition.GetStateName(from), definition.GetStateName(to)));
            }
        }

        return declared;
    }
}
