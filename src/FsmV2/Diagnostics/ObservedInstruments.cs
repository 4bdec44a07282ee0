using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace FsmV2;

/// <summary>
/// The instruments of one <see cref="Meter"/> that are read when a listener collects rather than recorded as
/// things happen: state transitions and the gauges of live supervisors. Every supervisor using the meter
/// registers here, and each instrument is created once per meter and reports the sum over them, so two
/// supervisors in one process (one meter from the host's <see cref="IMeterFactory"/>, or the process-wide one)
/// neither report conflicting series nor stay reachable through the meter after they shut down.
/// </summary>
/// <remarks>
/// Transitions are counted without a measurement per transition: each supervisor keeps a plain count per worker
/// type and target state, written only under its tick lock, and <see cref="FsmV2Telemetry.Instruments.StateTransitions"/>
/// sums them on collection. A transition costs one array increment whether or not anything listens (ADR 0009).
/// The counts of a supervisor that shut down stay in the sum (folded into one total per worker type), so the
/// counter never goes down.
/// </remarks>
internal sealed class ObservedInstruments
{
    private static readonly ConditionalWeakTable<Meter, ObservedInstruments> PerMeter = new();

    private readonly Lock _gate = new();
    private readonly List<(WorkerDefinition Definition, long[] Counts)> _transitions = [];
    private readonly Dictionary<WorkerDefinition, long[]> _retired = [];
    private readonly List<GaugeSource> _live = [];

    private ObservedInstruments(Meter meter)
    {
        meter.CreateObservableCounter(FsmV2Telemetry.Instruments.StateTransitions, ObserveTransitions, description: "State transitions, by worker type and target state.");
        meter.CreateObservableGauge(FsmV2Telemetry.Instruments.CircuitOpen, () => SumOverLive(static s => s.OpenCircuits()), description: "Workers whose circuit is open.");
        meter.CreateObservableGauge(FsmV2Telemetry.Instruments.ChildrenCount, () => SumOverLive(static s => s.Children()), description: "Live child workers.");
        meter.CreateObservableGauge(FsmV2Telemetry.Instruments.WorkerPoolUtilization, ObservePoolUtilization, description: "Running actions divided by the pool's concurrency.");
        meter.CreateObservableGauge(FsmV2Telemetry.Instruments.ActionQueueDepth, () => SumOverPools(static p => p.Queued), description: "Actions waiting for a pool slot.");
        meter.CreateObservableGauge(FsmV2Telemetry.Instruments.StorePendingWrites, () => SumOverLive(static s => s.StorePending()), description: "Records and removals a persistent store has not written yet (0 for the in-memory store).");
    }

    /// <summary>The live state one supervisor reports through the gauges.</summary>
    internal sealed record GaugeSource(Func<int> OpenCircuits, Func<int> Children, ActionPool Pool, Func<int> StorePending);

    /// <summary>The instruments of <paramref name="meter"/>, created on first use.</summary>
    public static ObservedInstruments For(Meter meter) => PerMeter.GetValue(meter, static m => new ObservedInstruments(m));

    /// <summary>
    /// New transition counts, indexed by target state, for one worker type under one supervisor. The caller
    /// increments them on its tick only (one writer); collection reads them from another thread.
    /// </summary>
    public long[] AddTransitionCounts(WorkerDefinition definition)
    {
        var counts = new long[definition.StateCount];
        lock (_gate)
        {
            _transitions.Add((definition, counts));
        }

        return counts;
    }

    /// <summary>
    /// Folds the counts of a supervisor that shut down into one total per worker type, so the sum stays the same
    /// and the meter holds one array per worker type rather than one per supervisor that ever ran.
    /// </summary>
    public void RetireTransitionCounts(IEnumerable<long[]> counts)
    {
        lock (_gate)
        {
            foreach (long[] retiring in counts)
            {
                int index = _transitions.FindIndex(t => ReferenceEquals(t.Counts, retiring));
                if (index < 0)
                {
                    continue;
                }

                WorkerDefinition definition = _transitions[index].Definition;
                _transitions.RemoveAt(index);
                if (!_retired.TryGetValue(definition, out long[]? total))
                {
                    total = new long[retiring.Length];
                    _retired.Add(definition, total);
                }

                for (int state = 0; state < retiring.Length; state++)
                {
                    total[state] += Volatile.Read(ref retiring[state]);
                }
            }
        }
    }

    /// <summary>Adds a supervisor's live state to the gauges until <see cref="RemoveGauges"/>.</summary>
    public void AddGauges(GaugeSource source)
    {
        lock (_gate)
        {
            _live.Add(source);
        }
    }

    /// <summary>Takes a supervisor that shut down out of the gauges (its transition counts stay).</summary>
    public void RemoveGauges(GaugeSource source)
    {
        lock (_gate)
        {
            _live.Remove(source);
        }
    }

    private List<Measurement<long>> ObserveTransitions()
    {
        // Worker types of the same name under different supervisors (or from two definitions) are one series.
        var totals = new Dictionary<(string WorkerType, string State), long>();
        lock (_gate)
        {
            foreach ((WorkerDefinition definition, long[] counts) in _transitions.Concat(_retired.Select(r => (r.Key, r.Value))))
            {
                for (int state = 0; state < counts.Length; state++)
                {
                    long count = Volatile.Read(ref counts[state]);
                    if (count > 0)
                    {
                        var key = (definition.WorkerType, definition.GetStateName(state));
                        totals[key] = totals.GetValueOrDefault(key) + count;
                    }
                }
            }
        }

        var measurements = new List<Measurement<long>>(totals.Count);
        foreach (((string workerType, string state), long count) in totals)
        {
            measurements.Add(new Measurement<long>(count, new KeyValuePair<string, object?>("worker_type", workerType), new KeyValuePair<string, object?>("state", state)));
        }

        return measurements;
    }

    private Measurement<int>[] SumOverLive(Func<GaugeSource, int> read)
    {
        GaugeSource[] live = Live();
        if (live.Length == 0)
        {
            return [];
        }

        int sum = 0;
        foreach (GaugeSource source in live)
        {
            sum += read(source);
        }

        return [new Measurement<int>(sum)];
    }

    private Measurement<int>[] SumOverPools(Func<ActionPool, int> read)
    {
        ActionPool[] pools = Pools();
        return pools.Length == 0 ? [] : [new Measurement<int>(pools.Sum(read))];
    }

    private Measurement<double>[] ObservePoolUtilization()
    {
        ActionPool[] pools = Pools();
        return pools.Length == 0 ? [] : [new Measurement<double>((double)pools.Sum(static p => p.Running) / pools.Sum(static p => p.MaxConcurrency))];
    }

    private GaugeSource[] Live()
    {
        lock (_gate)
        {
            return [.. _live];
        }
    }

    // Supervisors usually share one pool (ActionPool.Shared): count each pool once.
    private ActionPool[] Pools() => Live().Select(static s => s.Pool).Distinct().ToArray();
}
