using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// One worker id's ring, typed by its worker's desired and observed states so that, for a captured worker type, the
/// snapshot a decision was made on can be serialised.
/// </summary>
internal sealed class WorkerDecisions<TDesired, TObserved> : DecisionRing
{
    private readonly FlightRecorder _recorder;
    private readonly JsonSerializerOptions? _json;
    private readonly ILogger _logger;
    private bool _capture;
    private bool _tooLargeLogged;

    public WorkerDecisions(FlightRecorder recorder, WorkerIdentity identity, FlightRecorderOptions options, WorkerDefinition definition, bool capture, ILogger logger)
        : base(identity, definition, options.Capacity, options.CaptureBudgetBytes, capture)
    {
        _recorder = recorder;
        _capture = capture;
        _json = options.JsonOptions;
        _logger = logger;
    }

    /// <summary>Worker instance <paramref name="owner"/> has stopped (any thread, idempotent): once no instance writes the ring, it is kept among the removed ones.</summary>
    public void Retire(object owner) => _recorder.Retire(this, owner);

    /// <summary>
    /// The snapshot a decision was made on, serialised; <see langword="null"/> when it does not fit the budget or
    /// cannot be serialised. Opt-in, so it may allocate. A state that cannot be serialised stops the capture for this
    /// worker; the decisions are still recorded.
    /// </summary>
    public CapturedSnapshot? Capture(in Snapshot<TDesired, TObserved> snapshot)
    {
        if (!_capture)
        {
            return null;
        }

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
