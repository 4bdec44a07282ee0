namespace FsmV2;

/// <summary>
/// Decides which children to restart after one ended: the failed child's <see cref="RestartPolicy"/> says
/// whether anything happens, the <see cref="RestartStrategy"/> says which siblings go with it, and a
/// <see cref="RestartIntensityTracker"/> says when restarting has stopped helping and the failure must be
/// escalated (<see cref="PlanAndCount"/>). <see cref="Plan(RestartStrategy, IReadOnlyList{SupervisedChild}, string)"/> is the pure part.
/// </summary>
/// <remarks>
/// Runs when a child ends, not on every tick, so it allocates its result freely.
/// </remarks>
internal sealed class RestartPlanner
{
    private readonly RestartIntensityTracker _intensity;

    /// <summary>Creates the planner of one parent: its children's restarts count against one intensity window.</summary>
    /// <param name="intensity">The restart limit; defaults (3 in 60 s) when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the intensity window; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An intensity option is out of range.</exception>
    public RestartPlanner(RestartIntensityOptions? intensity = null, TimeProvider? timeProvider = null) =>
        _intensity = new RestartIntensityTracker(intensity, timeProvider);

    /// <summary>The restart-intensity window this planner counts in.</summary>
    public RestartIntensityTracker Intensity => _intensity;

    /// <summary>
    /// Plans the answer to <paramref name="failedChildId"/> ending, and counts it against the restart intensity
    /// if it restarts anything. When the intensity is exceeded the plan escalates instead: nothing is restarted
    /// and every running child is stopped.
    /// </summary>
    /// <param name="strategy">Which siblings go with the failed child (the parent's, which its desired state may change).</param>
    /// <param name="children">Every child of the supervisor, in any order (sorted by start order here).</param>
    /// <param name="failedChildId">The child that ended; its <see cref="SupervisedChild.Exit"/> must not be <see cref="ChildExit.Running"/>.</param>
    /// <exception cref="ArgumentException">The failed child is not among <paramref name="children"/>, or is still running.</exception>
    public RestartPlan PlanAndCount(RestartStrategy strategy, IReadOnlyList<SupervisedChild> children, string failedChildId)
    {
        RestartPlan plan = Plan(strategy, children, failedChildId);
        if (plan.ToRestart.Count == 0 || _intensity.TryRecordRestart())
        {
            return plan;
        }

        SupervisedChild[] ordered = InStartOrder(children);
        var stop = new List<string>();
        for (int i = ordered.Length - 1; i >= 0; i--)
        {
            if (ordered[i].Exit == ChildExit.Running)
            {
                stop.Add(ordered[i].Id);
            }
        }

        RestartIntensityOptions limit = _intensity.Options;
        return new RestartPlan(
            failedChildId,
            strategy,
            escalate: true,
            stop,
            [],
            [],
            $"restart intensity exceeded: more than {limit.MaxRestarts} restart(s) within {limit.Window}; escalating to the parent");
    }

    /// <summary>
    /// The pure decision, without restart intensity: given every child and the one that ended, which children to
    /// stop, remove and restart.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>If the failed child's policy does not restart it (Temporary; Transient that ended normally) nothing
    /// else is touched; a Temporary child is removed.</item>
    /// <item>Otherwise the strategy picks the affected children: the failed one (OneForOne), all (OneForAll), or the
    /// failed one and those started after it (RestForOne). Affected running siblings are stopped; they are
    /// restarted unless Temporary (removed instead). Affected siblings that had already ended are restarted only if
    /// their own policy restarts them (a Transient that finished normally stays finished).</item>
    /// </list>
    /// </remarks>
    /// <param name="strategy">Which siblings go with the failed child.</param>
    /// <param name="children">Every child, in any order.</param>
    /// <param name="failedChildId">The child that ended.</param>
    /// <exception cref="ArgumentException">The failed child is missing or still running, or an id is duplicated.</exception>
    public static RestartPlan Plan(RestartStrategy strategy, IReadOnlyList<SupervisedChild> children, string failedChildId)
    {
        ArgumentNullException.ThrowIfNull(children);
        ArgumentException.ThrowIfNullOrWhiteSpace(failedChildId);
        OptionChecks.Defined(strategy, nameof(RestartPlanner), nameof(strategy));

        SupervisedChild[] ordered = InStartOrder(children);
        int failedIndex = IndexOfFailed(ordered, failedChildId);
        SupervisedChild failed = ordered[failedIndex];
        if (!failed.Policy.ShouldRestart(failed.Exit))
        {
            return NotRestarted(strategy, failed);
        }

        (int first, int last) = strategy switch
        {
            RestartStrategy.OneForAll => (0, ordered.Length - 1),
            RestartStrategy.RestForOne => (failedIndex, ordered.Length - 1),
            _ => (failedIndex, failedIndex),
        };

        var stop = new List<string>();
        var restart = new List<string>();
        var remove = new List<string>();
        for (int i = first; i <= last; i++)
        {
            if (i == failedIndex)
            {
                restart.Add(ordered[i].Id);
            }
            else
            {
                PlanBystander(ordered[i], stop, restart, remove);
            }
        }

        stop.Reverse();
        return new RestartPlan(
            failedChildId,
            strategy,
            escalate: false,
            stop,
            restart,
            remove,
            $"'{failedChildId}' ended {(failed.Exit == ChildExit.Abnormal ? "abnormally" : "normally")} and is {failed.Policy}: {strategy} restarts {restart.Count} child(ren)");
    }

    // The failed child's position in start order; it must be there once, and must have ended.
    private static int IndexOfFailed(SupervisedChild[] children, string failedChildId)
    {
        int failedIndex = -1;
        for (int i = 0; i < children.Length; i++)
        {
            if (string.Equals(children[i].Id, failedChildId, StringComparison.Ordinal))
            {
                if (failedIndex >= 0)
                {
                    throw new ArgumentException($"Child id '{failedChildId}' appears more than once.", nameof(children));
                }

                failedIndex = i;
            }
        }

        if (failedIndex < 0)
        {
            throw new ArgumentException($"The failed child '{failedChildId}' is not among the children.", nameof(failedChildId));
        }

        if (children[failedIndex].Exit == ChildExit.Running)
        {
            throw new ArgumentException($"The failed child '{failedChildId}' is still running; mark it Abnormal (or Normal) before planning.", nameof(failedChildId));
        }

        return failedIndex;
    }

    // Its policy does not restart it: nothing else is touched; a Temporary child is removed.
    private static RestartPlan NotRestarted(RestartStrategy strategy, SupervisedChild failed)
    {
        bool temporary = failed.Policy == RestartPolicy.Temporary;
        return new RestartPlan(
            failed.Id,
            strategy,
            escalate: false,
            [],
            [],
            temporary ? [failed.Id] : [],
            temporary
                ? $"'{failed.Id}' is Temporary: never restarted; removed"
                : $"'{failed.Id}' is Transient and ended normally: not restarted");
    }

    // A sibling the strategy affects: stopped if running; restarted unless Temporary (removed) or, if it had already
    // ended, unless its own policy says it stays ended.
    private static void PlanBystander(SupervisedChild child, List<string> stop, List<string> restart, List<string> remove)
    {
        if (child.Exit == ChildExit.Running)
        {
            stop.Add(child.Id);
        }

        if (child.Policy == RestartPolicy.Temporary)
        {
            if (child.Exit == ChildExit.Running)
            {
                remove.Add(child.Id);
            }
        }
        else if (child.Policy.ShouldRestart(child.Exit))
        {
            restart.Add(child.Id);
        }
    }

    private static SupervisedChild[] InStartOrder(IReadOnlyList<SupervisedChild> children)
    {
        var ordered = new SupervisedChild[children.Count];
        for (int i = 0; i < ordered.Length; i++)
        {
            ordered[i] = children[i];
        }

        // A stable sort: equal start orders keep the caller's order.
        var indices = new int[ordered.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        Array.Sort(indices, (a, b) =>
        {
            int byOrder = ordered[a].StartOrder.CompareTo(ordered[b].StartOrder);
            return byOrder != 0 ? byOrder : a.CompareTo(b);
        });

        var result = new SupervisedChild[ordered.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = ordered[indices[i]];
        }

        return result;
    }
}
