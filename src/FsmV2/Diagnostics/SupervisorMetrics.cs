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
    private static readonly string[] OutcomeNames = Enum.GetNames<ActionOutcome>().Select(n => n.ToLowerInvariant()).ToArray();

    private readonly Counter<long> _transitions;
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

    public SupervisorMetrics(IMeterFactory? factory)
    {
        Meter = factory?.Create(new MeterOptions(FsmV2Telemetry.Name) { Version = SharedMeter.Version }) ?? SharedMeter;
        _transitions = Meter.CreateCounter<long>(FsmV2Telemetry.Instruments.StateTransitions, description: "State transitions, by worker type and target state.");
        _queued = Meter.CreateCounter<long>(FsmV2Telemetry.Instruments.ActionQueued, description: "Actions handed to the action pool.");
        _completed = Meter.CreateCounter<long>(FsmV2Telemetry.Instruments.ActionCompleted, description: "Actions that ended, by outcome.");
        _timeouts = Meter.CreateCounter<long>(FsmV2Telemetry.Instruments.ActionTimeout, description: "Actions cancelled by their timeout.");
        _actionDuration = Meter.CreateHistogram<double>(FsmV2Telemetry.Instruments.ActionDuration, unit: "s", description: "How long actions ran.");
        _stale = Meter.CreateCounter<long>(FsmV2Telemetry.Instruments.StaleObservations, description: "Observations that went stale and paused a worker.");
        _collectorErrors = Meter.CreateCounter<long>(FsmV2Telemetry.Instruments.CollectorErrors, description: "Failed or timed-out collections.");
        _reconcile = Meter.CreateHistogram<double>(FsmV2Telemetry.Instruments.ReconciliationDuration, unit: "s", description: "Full reconciles of a parent's children.");
        _restarts = Meter.CreateCounter<long>(FsmV2Telemetry.Instruments.Restarts, description: "Worker restarts.");
        _escalations = Meter.CreateCounter<long>(FsmV2Telemetry.Instruments.Escalations, description: "Escalations to a parent or to operators.");
        _recoveries = Meter.CreateCounter<long>(FsmV2Telemetry.Instruments.InfrastructureRecovery, description: "Circuits closed again after a failure.");
        TemplateRendering = Meter.CreateHistogram<double>(FsmV2Telemetry.Instruments.TemplateRenderingDuration, unit: "s", description: "Rendering one child's templated spec.");
    }

    public Meter Meter { get; }


    public Histogram<double> TemplateRendering { get; }

    /// <summary>Registers the gauges that read a supervisor's live state when a listener collects.</summary>
    public void Observe(Func<int> openCircuits, Func<int> children, ActionPool pool)
    {
        Meter.CreateObservableGauge(FsmV2Telemetry.Instruments.CircuitOpen, openCircuits, description: "Workers whose circuit is open.");
        Meter.CreateObservableGauge(FsmV2Telemetry.Instruments.ChildrenCount, children, description: "Live child workers.");
        Meter.CreateObservableGauge(FsmV2Telemetry.Instruments.WorkerPoolUtilization, () => (double)pool.Running / pool.MaxConcurrency, description: "Running actions divided by the pool's concurrency.");
        Meter.CreateObservableGauge(FsmV2Telemetry.Instruments.ActionQueueDepth, () => pool.Queued, description: "Actions waiting for a pool slot.");
    }

    public void Transition(string workerType, string toState)
    {
        if (_transitions.Enabled)
        {
            _transitions.Add(1, new TagList { { "worker_type", workerType }, { "state", toState } });
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
}
