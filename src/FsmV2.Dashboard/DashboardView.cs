using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace FsmV2.Dashboard;

/// <summary>What the page shows at one moment, as the JSON the event stream sends.</summary>
internal sealed record DashboardView(
    string Title,
    DateTimeOffset At,
    string Health,
    IReadOnlyList<string> HealthWorkers,
    string HealthDescription,
    SupervisionTotals Totals,
    bool Actions,
    IReadOnlyList<WorkerView> Workers);

/// <summary>One row of the tree.</summary>
internal sealed record WorkerView(
    string Id,
    string Name,
    int Depth,
    string WorkerType,
    string State,
    string Phase,
    string Reason,
    string? ActionInFlight,
    string? LastAction,
    double? ObservationAgeMs,
    bool IsStale,
    string? CollectError,
    string? Lifecycle,
    CircuitView Fault,
    CircuitView? Infrastructure,
    int RestartCount,
    IReadOnlyList<RestartView> RestartHistory,
    int FaultCount,
    string? LastFault,
    string? Spec,
    IReadOnlyList<DecisionView>? Timeline);

/// <summary>One entry of a worker's flight recorder (a run of equal <c>Stay</c> decisions is one entry with its count).</summary>
internal sealed record DecisionView(DateTimeOffset At, DateTimeOffset LastAt, int Count, string State, string Kind, string? Target, string? Reason, long ObservationVersion, double ObservationAgeMs, long DesiredVersion);

/// <summary>One circuit of a worker.</summary>
internal sealed record CircuitView(string State, bool Isolated, int Attempt, int MaxAttempts, bool Escalated, long Trips, string? LastFailure, double? NextProbeInMs);

/// <summary>One restart of a worker.</summary>
internal sealed record RestartView(DateTimeOffset At, string Reason, string? Strategy);

/// <summary>Builds <see cref="DashboardView"/>s from the supervisor's thread-safe status API.</summary>
internal sealed class DashboardViewBuilder
{
    /// <summary>Shown instead of a desired state whose type does not carry <see cref="ShowSpecOnDashboardAttribute"/>.</summary>
    public const string Redacted = "(redacted)";

    private static readonly JsonSerializerOptions SpecJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly ConcurrentDictionary<Type, bool> ShowsSpec = new();

    private readonly Supervisor _supervisor;
    private readonly DashboardOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DashboardViewBuilder(Supervisor supervisor, DashboardOptions options, TimeProvider time, ILogger logger)
    {
        _supervisor = supervisor;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public Supervisor Supervisor => _supervisor;

    public DashboardView Build()
    {
        DateTimeOffset now = _time.GetUtcNow();
        IReadOnlyList<WorkerStatus> all = _supervisor.GetStatus();
        var workers = new List<WorkerView>(all.Count);
        foreach (WorkerStatus status in all)
        {
            workers.Add(Worker(status, _supervisor.GetCircuits(status.Id), now));
        }

        TreeHealth health = _supervisor.GetHealth();
        return new DashboardView(_options.Title, now, health.Status.ToString(), health.Workers, health.Description, health.Totals, _options.EnableActions, workers);
    }

    private WorkerView Worker(WorkerStatus s, WorkerCircuits? circuits, DateTimeOffset now)
    {
        int depth = s.Id.Count(c => c == '/');
        return new WorkerView(
            s.Id,
            depth == 0 ? s.Id : s.Id[(s.Id.LastIndexOf('/') + 1)..],
            depth,
            s.WorkerType,
            s.State,
            s.Phase.ToString(),
            s.Reason,
            s.ActionInFlight,
            s.LastAction is { } last ? $"{last.Action}: {last.Outcome} in {last.Duration.TotalMilliseconds:0} ms" : null,
            s.CollectedAt is { } at ? Math.Max(0, (now - at).TotalMilliseconds) : null,
            s.IsStale,
            Message(s.CollectError),
            s.Lifecycle?.ToString(),
            circuits is { } c ? Circuit(c.Fault, now) : Closed(s.FaultCircuit),
            circuits?.Infrastructure is { } infra ? Circuit(infra, now) : null,
            s.RestartCount,
            [.. s.RestartHistory.Select(r => new RestartView(r.At, r.Reason, r.Strategy?.ToString()))],
            s.FaultCount,
            Message(s.LastFault),
            Spec(s.Id),
            Timeline(s.Id));
    }

    // The newest TimelineLength decisions, oldest first; null when the recorder is off (or the page asks for none).
    private List<DecisionView>? Timeline(string id)
    {
        if (_options.TimelineLength == 0 || !_supervisor.Recorder.IsEnabled)
        {
            return null;
        }

        IReadOnlyList<DecisionRecord> decisions;
        try
        {
            decisions = _supervisor.Recorder.GetDecisions(id);
        }
        catch (ArgumentException)
        {
            return []; // the worker left between the status and this read
        }

        return [.. decisions.Skip(Math.Max(0, decisions.Count - _options.TimelineLength)).Select(d => new DecisionView(
            d.At, d.LastAt, d.Count, d.State, d.Kind.ToString(), d.Target, d.Reason, d.ObservationVersion, d.ObservationAge.TotalMilliseconds, d.DesiredVersion))];
    }

    private static CircuitView Circuit(CircuitBreakerStatistics c, DateTimeOffset now) =>
        new(
            c.State.ToString(),
            c.IsIsolated,
            c.Attempt,
            c.MaxAttempts,
            c.State != CircuitState.Closed && c.EscalationRequired,
            c.TotalTrips,
            c.LastFailureReason,
            c.NextProbeAt is null ? null : c.NextProbeIn(now).TotalMilliseconds);

    // A child without a live instance has no circuits to read; its status still names the state of its fault circuit.
    private static CircuitView Closed(CircuitState state) => new(state.ToString(), false, 0, 0, false, 0, null, null);

    private static string? Message(Exception? error) => error is null ? null : $"{error.GetType().Name}: {error.Message}";

    private string Spec(string id)
    {
        if (!_supervisor.Store.TryGet(id, out IWorkerRecord? record) || record.DesiredValue is not { } desired)
        {
            return Redacted;
        }

        Type type = desired.GetType();
        if (!ShowsSpec.GetOrAdd(type, static t => t.GetCustomAttribute<ShowSpecOnDashboardAttribute>(inherit: false) is not null))
        {
            return Redacted;
        }

        try
        {
            return JsonSerializer.Serialize(desired, type, SpecJson);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            Log.SpecNotSerialisable(_logger, id, type.Name, ex.Message);
            return $"(not serialisable: {ex.Message})";
        }
    }
}
