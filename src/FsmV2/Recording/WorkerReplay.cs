using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace FsmV2;

/// <summary>
/// Evaluates a worker's pure states again on the snapshots a <see cref="FlightRecorder"/> captured, and reports
/// decision by decision whether the same decision comes out: to explain an incident, to check a fix against a real
/// recording, and to catch a state that is not really pure. Only decisions with a captured snapshot
/// (<see cref="FlightRecorderOptions.CaptureWorkerTypes"/>) are evaluated; the rest are <see cref="ReplayOutcome.NotCaptured"/>.
/// Nothing is collected and no action runs.
/// </summary>
public static class WorkerReplay
{
    private static readonly MethodInfo RunMachine = typeof(WorkerReplay).GetMethod(nameof(Replay), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Replays <paramref name="recording"/> with a new <typeparamref name="TWorker"/> (a <c>[Worker]</c> class).</summary>
    /// <typeparam name="TWorker">The worker type to evaluate: the recorded one, or a changed version of it.</typeparam>
    /// <param name="recording">From <see cref="FlightRecorder.GetRecording"/> or <see cref="WorkerRecording.Read"/>.</param>
    /// <param name="json">How the captured states are deserialised (the <see cref="FlightRecorderOptions.JsonOptions"/> they were captured with); System.Text.Json's defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><typeparamref name="TWorker"/> is not a generated worker.</exception>
    public static ReplayReport Run<TWorker>(WorkerRecording recording, JsonSerializerOptions? json = null)
        where TWorker : class, new()
    {
        ArgumentNullException.ThrowIfNull(recording);
        Type machine = typeof(TWorker).GetInterfaces().FirstOrDefault(static i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IWorkerMachine<,>))
            ?? throw new ArgumentException($"{typeof(TWorker).Name} is not a [Worker] partial class (it does not implement IWorkerMachine<TDesired, TObserved>), so it cannot be replayed.", nameof(TWorker));
        return (ReplayReport)RunMachine.MakeGenericMethod(machine.GetGenericArguments())
            .Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, [new TWorker(), recording, json], CultureInfo.InvariantCulture)!;
    }

    /// <summary>Replays <paramref name="recording"/> with <paramref name="worker"/> (for a worker type without a parameterless constructor).</summary>
    /// <param name="worker">The worker to evaluate: the recorded type, or a changed version of it. Only its states run.</param>
    /// <param name="recording">From <see cref="FlightRecorder.GetRecording"/> or <see cref="WorkerRecording.Read"/>.</param>
    /// <param name="json">How the captured states are deserialised; System.Text.Json's defaults when <see langword="null"/>.</param>
    public static ReplayReport Run<TDesired, TObserved>(IWorkerMachine<TDesired, TObserved> worker, WorkerRecording recording, JsonSerializerOptions? json = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(recording);
        return Replay(worker, recording, json);
    }

    private static ReplayReport Replay<TDesired, TObserved>(IWorkerMachine<TDesired, TObserved> worker, WorkerRecording recording, JsonSerializerOptions? json)
    {
        var identity = new WorkerIdentity(recording.WorkerId, recording.WorkerType);
        var steps = new ReplayStep[recording.Decisions.Count];
        for (int i = 0; i < steps.Length; i++)
        {
            steps[i] = Step(worker, identity, i, recording.Decisions[i], json);
        }

        return new ReplayReport(recording.WorkerId, worker.Definition.WorkerType, steps);
    }

    private static ReplayStep Step<TDesired, TObserved>(IWorkerMachine<TDesired, TObserved> worker, WorkerIdentity identity, int index, DecisionRecord recorded, JsonSerializerOptions? json)
    {
        if (recorded.Snapshot is not { } captured)
        {
            return new ReplayStep(index, recorded, ReplayOutcome.NotCaptured, null, null, null, null);
        }

        WorkerDefinition definition = worker.Definition;
        int state = definition.FindState(recorded.State);
        if (state < 0)
        {
            return Differs(index, recorded, $"{definition.WorkerType} has no state {recorded.State}");
        }

        Next next;
        try
        {
            Snapshot<TDesired, TObserved> snapshot = Rebuild<TDesired, TObserved>(identity, recorded.At, captured, json);
            next = worker.Decide(state, in snapshot);
        }
        catch (Exception ex)
        {
            return Differs(index, recorded, $"{ex.GetType().Name}: {ex.Message}");
        }

        string? target = DecisionNames.Target(definition, in next);
        string? difference = Compare(recorded, next.Kind, target, next.Reason);
        return new ReplayStep(index, recorded, difference is null ? ReplayOutcome.Same : ReplayOutcome.Different, next.Kind, target, next.Reason, difference);
    }

    private static ReplayStep Differs(int index, DecisionRecord recorded, string difference) =>
        new(index, recorded, ReplayOutcome.Different, null, null, null, difference);

    private static string? Compare(DecisionRecord recorded, NextKind kind, string? target, string reason)
    {
        if (recorded.Kind != kind)
        {
            return $"kind {recorded.Kind} -> {kind}";
        }

        if (!string.Equals(recorded.Target, target, StringComparison.Ordinal))
        {
            return $"target {recorded.Target ?? "(none)"} -> {target ?? "(none)"}";
        }

        return string.Equals(recorded.Reason, reason, StringComparison.Ordinal) ? null : $"reason \"{recorded.Reason}\" -> \"{reason}\"";
    }

    private static Snapshot<TDesired, TObserved> Rebuild<TDesired, TObserved>(WorkerIdentity identity, DateTimeOffset at, CapturedSnapshot captured, JsonSerializerOptions? json)
    {
        TDesired desired = captured.Desired.Deserialize<TDesired>(json)!;
        TObserved observed = captured.Observed.Deserialize<TObserved>(json)!;
        Exception? error = captured.CollectError is { } message ? new RecordedException(message) : null;
        return new Snapshot<TDesired, TObserved>(identity, desired, observed, captured.CollectedAt, at, captured.ShutdownRequested, error, captured.RecentActions)
        {
            StopRequested = captured.StopRequested,
            Children = captured.Children,
        };
    }
}
