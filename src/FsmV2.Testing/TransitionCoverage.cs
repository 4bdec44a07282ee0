namespace FsmV2.Testing;

/// <summary>
/// Which declared transitions of one worker type a test run took. A <see cref="WorkerHarness{TDesired, TObserved}"/>
/// records into it; share one instance between harnesses (<see cref="WorkerHarnessOptions.Coverage"/>) to measure a
/// whole suite, and call <see cref="AssertComplete"/> to fail a test that lists the transitions never taken.
/// Safe to use from several threads.
/// </summary>
public sealed class TransitionCoverage
{
    private readonly Dictionary<Transition, int> _counts = [];
    private readonly object _gate = new();

    /// <summary>Coverage of the transitions <paramref name="definition"/> declares, none taken yet.</summary>
    public TransitionCoverage(WorkerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        Declared = Transition.DeclaredBy(definition);
        foreach (Transition transition in Declared)
        {
            _counts[transition] = 0;
        }
    }

    /// <summary>The worker type whose transitions are counted.</summary>
    public WorkerDefinition Definition { get; }

    /// <summary>Every declared transition, state by state in declaration order.</summary>
    public IReadOnlyList<Transition> Declared { get; }

    /// <summary>The declared transitions taken at least once, in declaration order.</summary>
    public IReadOnlyList<Transition> Taken => Select(taken: true);

    /// <summary>The declared transitions never taken, in declaration order.</summary>
    public IReadOnlyList<Transition> Missing => Select(taken: false);

    /// <summary>How often <paramref name="transition"/> was taken; 0 for one that is not declared.</summary>
    public int TimesTaken(Transition transition)
    {
        lock (_gate)
        {
            return _counts.TryGetValue(transition, out int count) ? count : 0;
        }
    }

    /// <summary>Records that the worker went from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <returns><see langword="false"/> (and nothing recorded) when that transition is not declared.</returns>
    public bool Record(string from, string to)
    {
        var transition = new Transition(from, to);
        lock (_gate)
        {
            if (!_counts.TryGetValue(transition, out int count))
            {
                return false;
            }

            _counts[transition] = count + 1;
            return true;
        }
    }

    /// <summary>Throws, listing every declared transition never taken, unless all were.</summary>
    /// <exception cref="TransitionCoverageException">At least one declared transition was never taken.</exception>
    public void AssertComplete()
    {
        IReadOnlyList<Transition> missing = Missing;
        if (missing.Count > 0)
        {
            throw new TransitionCoverageException(
                $"{Definition.WorkerType}: {missing.Count} of {Declared.Count} declared transition(s) never taken: {string.Join(", ", missing)}",
                missing);
        }
    }

    private List<Transition> Select(bool taken)
    {
        lock (_gate)
        {
            return Declared.Where(t => _counts[t] > 0 == taken).ToList();
        }
    }
}

/// <summary>Thrown by <see cref="TransitionCoverage.AssertComplete"/>: some declared transitions were never taken.</summary>
public sealed class TransitionCoverageException : Exception
{
    /// <summary>An exception for the transitions <paramref name="missing"/>.</summary>
    public TransitionCoverageException(string message, IReadOnlyList<Transition> missing)
        : base(message) => Missing = missing;

    /// <summary>The declared transitions never taken.</summary>
    public IReadOnlyList<Transition> Missing { get; }
}
