namespace FsmV2;

/// <summary>
/// The first step of a supervisor's tick: are the children the others depend on present and healthy, and do
/// the sanity checks pass? Returns the first failure (child first, in the order given, then the sanity checks in
/// registration order) so the tick can open its circuit and restart the child that failed. A child whose own
/// circuit is open or half-open counts as unhealthy. Allocation-free when everything is healthy.
/// </summary>
internal sealed class InfrastructureHealthChecker
{
    private const string MissingReason = "child does not exist";
    private const string UnhealthyReason = "child reports unhealthy";
    private const string CircuitOpenReason = "child's own circuit is open";
    private const string CircuitHalfOpenReason = "child's own circuit is half-open (probing recovery)";

    private readonly ISanityCheck[] _checks;

    /// <summary>Creates a checker.</summary>
    /// <param name="sanityChecks">Cross-child checks, run in this order after the children; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A sanity check is <see langword="null"/>.</exception>
    public InfrastructureHealthChecker(IEnumerable<ISanityCheck>? sanityChecks = null)
    {
        _checks = sanityChecks?.ToArray() ?? [];
        foreach (ISanityCheck check in _checks)
        {
            if (check is null)
            {
                throw new ArgumentException("A sanity check is null.", nameof(sanityChecks));
            }
        }
    }

    /// <summary>The sanity checks, in the order they run.</summary>
    public IReadOnlyList<ISanityCheck> SanityChecks => _checks;

    /// <summary>Checks <paramref name="children"/> and then the sanity checks at <paramref name="now"/>.</summary>
    /// <typeparam name="TChild">A struct such as <see cref="ChildHealth"/> (no boxing) or any <see cref="IChildHealth"/>.</typeparam>
    /// <param name="children">The children to check, in the order failures should be reported.</param>
    /// <param name="now">The tick's time, passed to the sanity checks.</param>
    public HealthResult Check<TChild>(ReadOnlySpan<TChild> children, DateTimeOffset now)
        where TChild : IChildHealth
    {
        for (int i = 0; i < children.Length; i++)
        {
            if (CheckChild(in children[i]) is { IsHealthy: false } failure)
            {
                return failure;
            }
        }

        return RunSanityChecks(now);
    }

    /// <summary>Checks <paramref name="children"/> (by index, no enumerator) and then the sanity checks at <paramref name="now"/>.</summary>
    /// <typeparam name="TChild">The element type; a struct is not boxed.</typeparam>
    /// <param name="children">The children to check, in the order failures should be reported.</param>
    /// <param name="now">The tick's time, passed to the sanity checks.</param>
    public HealthResult Check<TChild>(IReadOnlyList<TChild> children, DateTimeOffset now)
        where TChild : IChildHealth
    {
        ArgumentNullException.ThrowIfNull(children);
        int count = children.Count;
        for (int i = 0; i < count; i++)
        {
            TChild child = children[i];
            if (CheckChild(in child) is { IsHealthy: false } failure)
            {
                return failure;
            }
        }

        return RunSanityChecks(now);
    }

    private static HealthResult CheckChild<TChild>(in TChild child)
        where TChild : IChildHealth
    {
        if (!child.Exists)
        {
            return HealthResult.ForChild(HealthFailure.ChildMissing, child.Id, MissingReason);
        }

        CircuitState circuit = child.Circuit;
        if (circuit != CircuitState.Closed)
        {
            return HealthResult.ForChild(HealthFailure.ChildCircuitOpen, child.Id, circuit == CircuitState.HalfOpen ? CircuitHalfOpenReason : CircuitOpenReason);
        }

        return child.Healthy ? HealthResult.Healthy : HealthResult.ForChild(HealthFailure.ChildUnhealthy, child.Id, UnhealthyReason);
    }

    private HealthResult RunSanityChecks(DateTimeOffset now)
    {
        ISanityCheck[] checks = _checks;
        for (int i = 0; i < checks.Length; i++)
        {
            HealthResult result;
            try
            {
                result = checks[i].Check(now);
            }
#pragma warning disable CA1031 // A throwing check is a failed check: the tick must go on and report it, not crash.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return HealthResult.CheckThrew(checks[i].Name, ex);
            }

            if (!result.IsHealthy)
            {
                return result.FromCheck(checks[i].Name);
            }
        }

        return HealthResult.Healthy;
    }
}
