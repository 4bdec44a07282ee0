namespace FsmV2.Testing;

/// <summary>
/// The shortest path from the initial state through every declared transition: one model-based test case per
/// transition. Computed from the worker's <see cref="WorkerDefinition"/> (breadth first; ties go to the earlier
/// declared transition), e.g. <c>TransitionPaths.For(PumpWorker.Definition)</c> as a test's member data.
/// </summary>
public static class TransitionPaths
{
    /// <summary>
    /// One path per declared transition, in declaration order. A transition whose source state cannot be reached
    /// from the initial state gets a path that is not <see cref="TransitionPath.IsReachable"/>.
    /// </summary>
    public static IReadOnlyList<TransitionPath> For(WorkerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        int[] previous = ShortestTree(definition);
        var paths = new List<TransitionPath>();
        foreach (Transition transition in Transition.DeclaredBy(definition))
        {
            int from = definition.FindState(transition.From);
            List<Transition>? steps = StepsTo(definition, previous, from);
            steps?.Add(transition);
            paths.Add(new TransitionPath(transition, steps ?? []));
        }

        return paths;
    }

    // previous[s]: the state before s on a shortest path from the initial state; -1 for the initial state, -2 if unreachable.
    private static int[] ShortestTree(WorkerDefinition definition)
    {
        int[] previous = Enumerable.Repeat(-2, definition.StateCount).ToArray();
        previous[definition.InitialState] = -1;
        var queue = new Queue<int>();
        queue.Enqueue(definition.InitialState);
        while (queue.Count > 0)
        {
            int state = queue.Dequeue();
            foreach (int next in definition.GetTransitions(state))
            {
                if (previous[next] == -2)
                {
                    previous[next] = state;
                    queue.Enqueue(next);
                }
            }
        }

        return previous;
    }

    private static List<Transition>? StepsTo(WorkerDefinition definition, int[] previous, int state)
    {
        if (previous[state] == -2)
        {
            return null;
        }

        var steps = new List<Transition>();
        for (int s = state; previous[s] >= 0; s = previous[s])
        {
            steps.Insert(0, new Transition(definition.GetStateName(previous[s]), definition.GetStateName(s)));
        }

        return steps;
    }
}

/// <summary>The shortest way from the initial state to take one declared transition.</summary>
public sealed class TransitionPath
{
    internal TransitionPath(Transition transition, IReadOnlyList<Transition> steps)
    {
        Transition = transition;
        Steps = steps;
    }

    /// <summary>The transition this path ends with.</summary>
    public Transition Transition { get; }

    /// <summary>The transitions to take from the initial state, ending with <see cref="Transition"/>; empty when unreachable.</summary>
    public IReadOnlyList<Transition> Steps { get; }

    /// <summary>Whether <see cref="Transition"/> can be reached from the initial state at all.</summary>
    public bool IsReachable => Steps.Count > 0;

    /// <summary>The states visited, e.g. <c>Stopped -> Starting -> Running</c>, or <c>unreachable: A -> B</c>.</summary>
    public override string ToString() =>
        IsReachable ? string.Join(" -> ", Steps.Select(s => s.From).Append(Transition.To)) : $"unreachable: {Transition}";
}
