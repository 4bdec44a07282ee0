using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// One worker id's ring as the tick writes it: turns a decision into a <see cref="DecisionRecord"/> (names from the
/// worker's definition, so nothing is allocated) and, for a captured worker type, serialises its snapshot. One
/// object per worker, so a coalesced stay touches no other memory.
/// </summary>
internal sealed class WorkerDecisions<TDesired, TObserved> : DecisionRing
{
    private readonly FlightRecorder _recorder;
    private readonly WorkerDefinition _definition;
    private readonly JsonSerializerOptions? _json;
    private readonly ILogger _logger;
    private bool _capture;
    private bool _tooLargeLogged;

    public WorkerDecisions(FlightRecorder recorder, WorkerIdentity identity, FlightRecorderOptions options, WorkerDefinition definition, bool capture, ILogger logger)
        : base(identity, options.Capacity, options.CaptureBudgetBytes)
    {
        _recorder = recorder;
        _definition = definition;
        _capture = capture;
        _json = options.JsonOptions;
        _logger = logger;
    }

    /// <summary>Worker instance <paramref name="owner"/> has stopped (any thread, idempotent): once no instance writes the ring, it is kept among the removed ones.</summary>
    public void Retire(object owner) => _recorder.Retire(this, owner);

    /// <summary>Records the decision <paramref name="next"/> that state <paramref name="state"/> made on <paramref name="snapshot"/>.</summary>
    public void Record(int state, in Next next, in Snapshot<TDesired, TObserved> snapshot, long observationVersion, long desiredVersion)
    {
        if (next.Kind == NextKind.Stay && TryCoalesce(state, next.Reason, snapshot.Now))
        {
            return;
        }

        var record = new DecisionRecord(snapshot.Now, _definition.GetStateName(state), next.Kind, DecisionNames.Target(_definition, in next), next.Reason, observationVersion, snapshot.ObservationAge, desiredVersion)
        {
            Snapshot = _capture ? Capture(in snapshot) : null,
        };
        Add(in record, state);
    }

    // Opt-in, so it may allocate. A state that cannot be serialised stops the capture for this worker; the
    // decisions are still recorded.
    private CapturedSnapshot? Capture(in Snapshot<TDesired, TObserved> snapshot)
    {
        WorkerIdentity who = snapshot.Identity;
        try
        {
            byte[] desired = Json.Serialize(snapshot.Desired, _json);
            byte[] observed = Json.Serialize(snapshot.Observed, _json);
            int size = desired.Length + observed.Length;
            if (!Fits(size))
            {
                if (!_tooLargeLogged)
                {
                    _tooLargeLogged = true;
                    Log.CaptureTooLarge(_logger, who.Id, who.WorkerType, size);
                }

                return null;
            }

            using JsonDocument desiredJson = JsonDocument.Parse(desired);
            using JsonDocument observedJson = JsonDocument.Parse(observed);
            string? error = snapshot.CollectError is { } e ? $"{e.GetType().Name}: {e.Message}" : null;
            return new CapturedSnapshot(desiredJson.RootElement, observedJson.RootElement, snapshot.CollectedAt, snapshot.ShutdownRequested, snapshot.StopRequested, error, snapshot.Children, [.. snapshot.RecentActions], size);
        }
        catch (Exception ex)
        {
            _capture = false;
            Log.CaptureFailed(_logger, ex, who.Id, who.WorkerType);
            return null;
        }
    }
}
