using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FsmV2;

/// <summary>
/// The instruments of one supervisor, on a meter named <see cref="FsmV2Telemetry.Name"/> (from the given
/// <see cref="IMeterFactory"/>, or a process-wide one). Tags are bounded in cardinality: worker type, state,
/// action and outcome — never a worker id (per-worker detail belongs in logs and traces). Every method returns
/// at once when nothing listens.
/// </summary>
internal sealed class SupervisorMetrics
{
    private static readonly Meter SharedMeter = new(FsmV2Telemetry.Name, typeof(SupervisorMetrics).Assembly.GetName().Version?.ToString(3));
    private static readonly string[] LifecycleNames = Enum.GetNames<ChildLifecycleState>().Select(n => n.ToLowerInvariant()).ToArray();
    private static readonly string[] OutcomeNames = Enum.GetNames<ActionOutcome>().Select(n => n.ToLowerInvariant()).ToArray();

    private readonly ObservedInstruments _observed;
    private readonly Dictionary<WorkerDefinition, long[]> _transitionCounts = [];
    private ObservedInstruments.GaugeSource? _gauges;
    private readonly Counter<long> _queued;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _timeouts;
    private readonly Histogram<double> _actionDuration;
    private readonly Counter<long> _stale;
    private readonly Counter<long> _collectorErrors;
    private readonly Histogram<double> _reconcile;
    private readonly Counter<long> _restarts;
    private readonly Counter<long> _escalations;
    private readonly Counter<long> _recoveries;
    private readonly Histogram<double> _templateRendering;
    private readonly Counter<long> _lifecycle;

    public SupervisorMetrics(IMeterFactory? factory)
    {
        Meter meter = factory?.Create(new MeterOptions(FsmV2Telemetry.Name) { Version = SharedMeter.Version }) ?? SharedMeter;
        _observed = ObservedInstruments.For(meter);
        _queued = meter.CreateCounter<long>(FsmV2Telemetry.Instruments.ActionQueued, description: "Actions handed to the action pool.");
        _completed = meter.CreateCounter<long>(FsmV2Telemetry.Instruments.ActionCompleted, description: "Actions that ended, by outcome.");
        _timeouts = meter.CreateCounter<long>(FsmV2Telemetry.Instruments.ActionTimeout, description: "Actions cancelled by their timeout.");
        _actionDuration = meter.CreateHistogram<double>(FsmV2Telemetry.Instruments.ActionDuration, unit: "s", description: "How long actions ran.");
        _stale = meter.CreateCounter<long>(FsmV2Telemetry.Instruments.StaleObservations, description: "Observations that went stale and paused a worker.");
        _collectorErrors = meter.CreateCounter<long>(FsmV2Telemetry.Instruments.CollectorErrors, description: "Failed or timed-out collections.");
        _reconcile = meter.CreateHistogram<double>(FsmV2Telemetry.Instruments.ReconciliationDuration, unit: "s", description: "Full reconciles of a parent's children.");
        _restarts = meter.CreateCounter<long>(FsmV2Telemetry.Instruments.Restarts, description: "Worker restarts.");
        _escalations = meter.CreateCounter<long>(FsmV2Telemetry.Instruments.Escalations, description: "Escalations to a parent or to operators.");
        _recoveries = meter.CreateCounter<long>(FsmV2Telemetry.Instruments.InfrastructureRecovery, description: "Circuits closed again after a failure.");
        _lifecycle = meter.CreateCounter<long>(FsmV2Telemetry.Instruments.ChildLifecycleTransitions, description: "Transitions of children's supervision lifecycles, by the state entered.");
        _templateRendering = meter.CreateHistogram<double>(FsmV2Telemetry.Instruments.TemplateRenderingDuration, unit: "s", description: "Rendering one child's templated spec.");
    }

    /// <summary>Reports this supervisor's live state through the meter's gauges until <see cref="StopObserving"/>.</summary>
    public void Observe(Func<int> openCircuits, Func<int> children, ActionPool pool, Func<int> storePending)
    {
        _gauges = new ObservedInstruments.GaugeSource(openCircuits, children, pool, storePending);
        _observed.AddGauges(_gauges);
    }

    /// <summary>Takes this supervisor out of the gauges (it shut down); its transition counts stay in the totals.</summary>
    public void StopObserving()
    {
        if (_gauges is not null)
        {
            _observed.RemoveGauges(_gauges);
        }

        lock (_transitionCounts)
        {
            _observed.RetireTransitionCounts(_transitionCounts.Values);
            _transitionCounts.Clear(); // a second shutdown has nothing left to retire
        }
    }

    /// <summary>
    /// The transition counts of one worker type under this supervisor, indexed by target state: a slot adds one
    /// to <c>counts[to]</c> per transition, on the tick (see <see cref="ObservedInstruments"/>).
    /// </summary>
    public long[] TransitionCounts(WorkerDefinition definition)
    {
        lock (_transitionCounts)
        {
            if (!_transitionCounts.TryGetValue(definition, out long[]? counts))
            {
                counts = _observed.AddTransitionCounts(definition);
                _transitionCounts.Add(definition, counts);
            }

            return counts;
        }
    }

    public void ActionQueued(string workerType, string action)
    {
        if (_queued.Enabled)
        {
            _queued.Add(1, new TagList { { "worker_type", workerType }, { "action", action } });
        }
    }

    public void ActionEnded(string workerType, string action, ActionOutcome outcome, TimeSpan duration)
    {
        if (!_completed.Enabled && !_actionDuration.Enabled && !_timeouts.Enabled)
        {
            return; // nothing listens: no tags built (an action's end is on every action's path)
        }

        var tags = new TagList { { "worker_type", workerType }, { "action", action }, { "outcome", OutcomeNames[(int)outcome] } };
        if (_completed.Enabled)
        {
            _completed.Add(1, tags);
        }

        if (_actionDuration.Enabled)
        {
            _actionDuration.Record(duration.TotalSeconds, tags);
        }

        if (outcome == ActionOutcome.TimedOut && _timeouts.Enabled)
        {
            _timeouts.Add(1, new TagList { { "worker_type", workerType }, { "action", action } });
        }
    }

    public void Stale(string workerType)
    {
        if (_stale.Enabled)
        {
            _stale.Add(1, new TagList { { "worker_type", workerType } });
        }
    }

    public void CollectorError(string workerType)
    {
        if (_collectorErrors.Enabled)
        {
            _collectorErrors.Add(1, new TagList { { "worker_type", workerType } });
        }
    }

    public void Reconciled(string workerType, TimeSpan duration)
    {
        if (_reconcile.Enabled)
        {
            _reconcile.Record(duration.TotalSeconds, new TagList { { "worker_type", workerType } });
        }
    }

    public void TemplateRendered(string workerType, TimeSpan duration)
    {
        if (_templateRendering.Enabled)
        {
            _templateRendering.Record(duration.TotalSeconds, new TagList { { "worker_type", workerType } });
        }
    }

    public void Escalated(string workerType, ErrorScope scope)
    {
        if (_escalations.Enabled)
        {
            _escalations.Add(1, new TagList { { "worker_type", workerType }, { "scope", scope == ErrorScope.Infrastructure ? "infrastructure" : "worker" } });
        }
    }

    public void Recovered(string workerType)
    {
        if (_recoveries.Enabled)
        {
            _recoveries.Add(1, new TagList { { "worker_type", workerType } });
        }
    }

    public void Restarted(string workerType)
    {
        if (_restarts.Enabled)
        {
            _restarts.Add(1, new TagList { { "worker_type", workerType } });
        }
    }

    public void ChildLifecycleChanged(string workerType, ChildLifecycleState to)
    {
        if (_lifecycle.Enabled)
        {
            _lifecycle.Add(1, new TagList { { "worker_type", workerType }, { "state", LifecycleNames[(int)to] } });
        }
    }
}
