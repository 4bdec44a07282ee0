using System.Diagnostics;

namespace FsmV2;

/// <summary>
/// Names of the toolkit's telemetry, for wiring exporters: one <see cref="System.Diagnostics.Metrics.Meter"/> and
/// one <see cref="ActivitySource"/>, both named <c>FsmV2</c>.
/// </summary>
/// <remarks>
/// With OpenTelemetry: <c>.WithMetrics(m =&gt; m.AddMeter(FsmV2Telemetry.Name))</c> and
/// <c>.WithTracing(t =&gt; t.AddSource(FsmV2Telemetry.Name))</c>. A process with no listener pays one
/// <c>Enabled</c>/<c>HasListeners</c> check per event.
/// </remarks>
public static class FsmV2Telemetry
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "FsmV2";

    /// <summary>The activity source for action and restart spans.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(FsmV2Telemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>Instrument names (OpenTelemetry style; a Prometheus exporter shows them with underscores and unit suffixes).</summary>
    public static class Instruments
    {
        /// <summary>Gauge: workers whose circuit is open (Prometheus <c>fsmv2_circuit_open</c>).</summary>
        public const string CircuitOpen = "fsmv2.circuit.open";

        /// <summary>Counter: circuits that closed again after an infrastructure failure (<c>fsmv2_infrastructure_recovery_total</c>).</summary>
        public const string InfrastructureRecovery = "fsmv2.infrastructure.recovery";

        /// <summary>Histogram, seconds: how long actions ran (<c>fsmv2_action_execution_duration_seconds</c>).</summary>
        public const string ActionDuration = "fsmv2.action.execution.duration";

        /// <summary>Counter: actions cancelled by their timeout (<c>fsmv2_action_timeout_total</c>).</summary>
        public const string ActionTimeout = "fsmv2.action.timeout";

        /// <summary>Counter: actions handed to the pool (<c>fsmv2_action_queued_total</c>).</summary>
        public const string ActionQueued = "fsmv2.action.queued";

        /// <summary>Counter: actions that ended, tagged by outcome (<c>fsmv2_action_completed_total</c>).</summary>
        public const string ActionCompleted = "fsmv2.action.completed";

        /// <summary>
        /// Gauge: records and removals a persistent store has not written yet, 0 for the in-memory store
        /// (<c>fsmv2_store_pending_writes</c>). Back to 0 after every write; rising while the database fails.
        /// </summary>
        public const string StorePendingWrites = "fsmv2.store.pending_writes";

        /// <summary>Gauge: live child workers (<c>fsmv2_children_count</c>).</summary>
        public const string ChildrenCount = "fsmv2.children.count";

        /// <summary>Histogram, seconds: a full reconcile of a parent's children (<c>fsmv2_reconciliation_duration_seconds</c>).</summary>
        public const string ReconciliationDuration = "fsmv2.reconciliation.duration";

        /// <summary>Histogram, seconds: rendering one child's templated spec (<c>fsmv2_template_rendering_duration_seconds</c>).</summary>
        public const string TemplateRenderingDuration = "fsmv2.template.rendering.duration";

        /// <summary>Gauge: running actions divided by the pool's concurrency (<c>fsmv2_worker_pool_utilization</c>).</summary>
        public const string WorkerPoolUtilization = "fsmv2.worker_pool.utilization";

        /// <summary>Gauge: actions waiting for a pool slot (<c>fsmv2_action_queue_depth</c>).</summary>
        public const string ActionQueueDepth = "fsmv2.action.queue.depth";

        /// <summary>Counter: state transitions, tagged by worker type and target state (<c>fsmv2_state_transitions_total</c>).</summary>
        public const string StateTransitions = "fsmv2.state.transitions";

        /// <summary>Counter: observations that went stale (<c>fsmv2_observation_stale_total</c>).</summary>
        public const string StaleObservations = "fsmv2.observation.stale";

        /// <summary>Counter: failed or timed-out collections (<c>fsmv2_collector_errors_total</c>).</summary>
        public const string CollectorErrors = "fsmv2.collector.errors";

        /// <summary>Counter: escalations to a parent or, at the root, to operators (<c>fsmv2_escalations_total</c>).</summary>
        public const string Escalations = "fsmv2.escalations";

        /// <summary>Counter: worker restarts (<c>fsmv2_restarts_total</c>).</summary>
        public const string Restarts = "fsmv2.restarts";

        /// <summary>Counter: transitions of children's supervision lifecycles, by worker type and the state entered (<see cref="ChildLifecycleState"/>, lower case).</summary>
        public const string ChildLifecycleTransitions = "fsmv2.child.lifecycle.transitions";
    }
}
