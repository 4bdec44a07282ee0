using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// The tick's side of one worker's recording: turns a decision into a <see cref="DecisionRecord"/> (names from the
/// worker's definition, so nothing is allocated) and, for a captured worker type, serialises its snapshot.
/// </summary>
internal sealed class WorkerDecisions<TDesired, TObserved>
{
    private readonly FlightRecorder _recorder;
    private readonly DecisionRing? _ring;
    private readonly WorkerDefinition _definition;
    private readonly JsonSerializerOptions? _json;
    private readonly ILogger _logger;
    private bool _capture;
    private bool _tooLargeLogged;
    private int _retired;

    public WorkerDecisions(FlightRecorder recorder, DecisionRing? ring, WorkerDefinition definition, bool capture, JsonSerializerOptions? json, ILogger logger)
    {
        _recorder = recorder;
        _ring = ring;
        _definition = definition;
        _capture = capture && ring is not null;
        _json = json;
        _logger = logger;
    }

    /// <summary>The worker instance has stopped (once; any thread): its recording is kept among the removed ones.</summary>
    public void Retire()
    {
        if (_ring is not null && Interlocked.Exchange(ref _retired, 1) == 0)
        {
            _recorder.Retire(_ring);
        }
    }

    /// <summary>Records the decision <paramref name="next"/> that state <paramref name="state"/> made on <paramref name="snapshot"/>.</summary>
    public void Record(int state, in Next next, in Snapshot<TDesired, TObserved> snapshot, long observationVersion, long desiredVersion)
    {
        if (_ring is null)
        {
            return;
        }

        string stateName = _definition.GetStateName(state);
        if (next.Kind == NextKind.Stay && _ring.TryCoalesce(stateName, next.Reason, snapshot.Now))
        {
            return;
        }

        var record = new DecisionRecord(snapshot.Now, stateName, next.Kind, DecisionNames.Target(_definition, in next), next.Reason, observationVersion, snapshot.ObservationAge, desiredVersion)
        {
            Snapshot = _capture ? Capture(in snapshot) : null,
        };
        _ring.Add(in record);
    }

    // Opt-in, so it may allocate. A state that cannot be serialised stops the capture for this worker; the
    // decisions are still recorded.
    private CapturedSnapshot? Capture(in Snapshot<TDesired, TObserved> snapshot)
    {
        WorkerIdentity who = snapshot.Identity;
        try
        {
            byte[] desired = JsonSerializer.SerializeToUtf8Bytes(snapshot.Desired, _json);
            byte[] observed = JsonSerializer.SerializeToUtf8Bytes(snapshot.Observed, _json);
            int size = desired.Length + observed.Length;
            if (!_ring!.Fits(size))
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
