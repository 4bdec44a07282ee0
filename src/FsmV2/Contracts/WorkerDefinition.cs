using System.Collections.Immutable;

namespace FsmV2;

/// <summary>
/// The static shape of a worker type, emitted once by the generator: its states (names, phases, terminal
/// flags, declared transitions) and its actions (names, timeouts). The supervisor reads it on the tick to
/// refuse undeclared transitions and to name states in logs, without reflection or allocation.
/// </summary>
public sealed class WorkerDefinition
{
    private readonly string[] _stateNames;
    private readonly LifecyclePhase[] _phases;
    private readonly bool[] _terminal;
    private readonly string[] _actionNames;
    private readonly int[] _actionTimeoutsMs;
    private readonly bool[] _transitions; // row-major [from * StateCount + to]
    private readonly int[][] _targets;
    private readonly bool[]? _readsTime; // null: every state is taken to read the time

    /// <summary>Creates a definition. Called by generated code; every array is indexed by state or action.</summary>
    /// <param name="workerType">The worker's type name.</param>
    /// <param name="stateNames">State names, by state index.</param>
    /// <param name="phases">Lifecycle phase of each state.</param>
    /// <param name="terminal">Whether each state is terminal.</param>
    /// <param name="initialState">Index of the initial state.</param>
    /// <param name="transitions">For each state, the indices of its declared target states.</param>
    /// <param name="actionNames">Action names, by action index.</param>
    /// <param name="actionTimeoutsMs">Per-action timeout in milliseconds; 0 means the supervisor default.</param>
    /// <param name="readsTime">
    /// Whether each state may read the snapshot's time (<see cref="Snapshot{TDesired, TObserved}.Now"/> or
    /// <see cref="Snapshot{TDesired, TObserved}.ObservationAge"/>): the generator's finding. <see langword="null"/> (a
    /// definition written by hand): every state is taken to, so every tick evaluates it
    /// (<see cref="SupervisorOptions.SkipUnchangedStays"/>).
    /// </param>
    /// <exception cref="ArgumentException">The arrays disagree in length or an index is out of range.</exception>
    public WorkerDefinition(
        string workerType,
        string[] stateNames,
        LifecyclePhase[] phases,
        bool[] terminal,
        int initialState,
        int[][] transitions,
        string[] actionNames,
        int[] actionTimeoutsMs,
        bool[]? readsTime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerType);
        ArgumentNullException.ThrowIfNull(stateNames);
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(actionNames);
        ArgumentNullException.ThrowIfNull(actionTimeoutsMs);

        int n = stateNames.Length;
        if (n == 0)
        {
            throw new ArgumentException($"Worker '{workerType}' declares no states.", nameof(stateNames));
        }

        if (phases.Length != n || terminal.Length != n || transitions.Length != n || (readsTime is not null && readsTime.Length != n))
        {
            throw new ArgumentException($"Worker '{workerType}': state arrays differ in length.", nameof(phases));
        }

        if ((uint)initialState >= (uint)n)
        {
            throw new ArgumentOutOfRangeException(nameof(initialState), initialState, $"Worker '{workerType}': initial state index out of range.");
        }

        if (actionTimeoutsMs.Length != actionNames.Length)
        {
            throw new ArgumentException($"Worker '{workerType}': action arrays differ in length.", nameof(actionTimeoutsMs));
        }

        WorkerType = workerType;
        _stateNames = stateNames;
        _phases = phases;
        _terminal = terminal;
        _actionNames = actionNames;
        _actionTimeoutsMs = actionTimeoutsMs;
        _targets = transitions;
        _readsTime = readsTime;
        _transitions = new bool[n * n];
        for (int from = 0; from < n; from++)
        {
            foreach (int to in transitions[from])
            {
                if ((uint)to >= (uint)n)
                {
                    throw new ArgumentException($"Worker '{workerType}': state '{stateNames[from]}' declares a transition to index {to}, which is not a state.", nameof(transitions));
                }

                _transitions[(from * n) + to] = true;
            }
        }

        InitialState = initialState;
    }

    /// <summary>The worker's type name.</summary>
    public string WorkerType { get; }

    /// <summary>Index of the state a new or restarted worker starts in.</summary>
    public int InitialState { get; }

    /// <summary>Number of states.</summary>
    public int StateCount => _stateNames.Length;

    /// <summary>Number of actions.</summary>
    public int ActionCount => _actionNames.Length;

    /// <summary>All state names, by index.</summary>
    public ImmutableArray<string> StateNames => ImmutableArray.Create(_stateNames);

    /// <summary>The name of state <paramref name="state"/>.</summary>
    public string GetStateName(int state) => _stateNames[state];

    /// <summary>The lifecycle phase of state <paramref name="state"/>.</summary>
    public LifecyclePhase GetPhase(int state) => _phases[state];

    /// <summary>Whether state <paramref name="state"/> is terminal.</summary>
    public bool IsTerminal(int state) => _terminal[state];

    /// <summary>
    /// Whether state <paramref name="state"/> may read the snapshot's time; a state that does not is skipped by the
    /// tick while nothing it decides on changes (<see cref="SupervisorOptions.SkipUnchangedStays"/>).
    /// </summary>
    public bool ReadsTime(int state) => _readsTime is null || _readsTime[state];

    /// <summary>The declared target states of <paramref name="state"/>.</summary>
    public ReadOnlySpan<int> GetTransitions(int state) => _targets[state];

    /// <summary>Whether <paramref name="from"/> declares a transition to <paramref name="to"/>.</summary>
    public bool IsDeclared(int from, int to) =>
        (uint)from < (uint)_stateNames.Length &&
        (uint)to < (uint)_stateNames.Length &&
        _transitions[(from * _stateNames.Length) + to];

    /// <summary>The name of action <paramref name="action"/>.</summary>
    public string GetActionName(int action) => _actionNames[action];

    /// <summary>The timeout of action <paramref name="action"/>, or <see langword="null"/> to use the supervisor default.</summary>
    public TimeSpan? GetActionTimeout(int action) =>
        _actionTimeoutsMs[action] > 0 ? TimeSpan.FromMilliseconds(_actionTimeoutsMs[action]) : null;

    /// <summary>Finds a state by name; -1 if there is none.</summary>
    public int FindState(string name) => Array.IndexOf(_stateNames, name);
}
