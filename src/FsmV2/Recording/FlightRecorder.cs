using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// Every worker's last decisions (<see cref="Supervisor.Recorder"/>): per worker up to
/// <see cref="SupervisorOptions.Recorder"/> <see cref="FlightRecorderOptions.Capacity"/> decisions. The newest one is
/// kept in the worker's slot while it is a stay, so a worker that never left its first stay has nothing else; its
/// ring of <see cref="FlightRecorderOptions.Capacity"/> entries is allocated by its next decision and written by the
/// tick without allocating from then on. Transitions, actions and signals each take an entry;
/// consecutive stays in the same state with the same reason share one (<see cref="DecisionRecord.Count"/>), so a
/// steady worker does not push its history out. Safe to read from any thread: a tick writes the rings of the workers
/// that decided in it at its end, so reading such a worker during that tick waits for the tick to end; a read on the
/// tick's own thread (a logger, an <see cref="Supervisor.Escalated"/> handler) does not wait.
/// </summary>
public sealed class FlightRecorder
{
    private readonly ConcurrentDictionary<string, DecisionRing> _rings = new(StringComparer.Ordinal);
    private readonly FlightRecorderOptions _options;
    private readonly HashSet<string> _captured;
    private readonly Queue<DecisionRing> _retired = new(); // rings without a live owner, oldest first; under _gate
    private readonly Lock _gate = new();
    private Func<string, IDecisionWriter?> _findLive = static _ => null; // the supervisor's: the live instance of an id
    private Func<IEnumerable<string>> _liveIds = static () => [];

    internal FlightRecorder(FlightRecorderOptions options)
    {
        _options = options;
        _captured = new HashSet<string>(options.CaptureWorkerTypes, StringComparer.Ordinal);
    }

    /// <summary>Whether decisions are recorded (<see cref="FlightRecorderOptions.Capacity"/> is above 0).</summary>
    public bool IsEnabled => _options.Capacity > 0;

    /// <summary>The ring writes of the tick under way, made at its end (<see cref="Supervisor.Tick"/>).</summary>
    internal DecisionJournal Journal { get; } = new();

    /// <summary>How many rings are open (live workers that needed one, and those kept after they left); for tests.</summary>
    internal int RingCount => _rings.Count;

    /// <summary>The ids of the workers (children included) with a recording, in no particular order.</summary>
    public IReadOnlyCollection<string> WorkerIds => IsEnabled ? [.. _liveIds().Concat(_rings.Keys).Distinct(StringComparer.Ordinal)] : [];

    /// <summary>The last decisions of worker <paramref name="workerId"/>, oldest first: a copy, safe from any thread.</summary>
    /// <exception cref="ArgumentException">No worker with that id has been added to this supervisor, or the recorder is off.</exception>
    public IReadOnlyList<DecisionRecord> GetDecisions(string workerId) => Copy(workerId, out _);

    /// <summary>
    /// Worker <paramref name="workerId"/>'s recording (its id, type and last decisions, oldest first, with their
    /// captured snapshots): what <see cref="WorkerReplay"/> evaluates again.
    /// </summary>
    /// <exception cref="ArgumentException">No worker with that id has been added to this supervisor, or the recorder is off.</exception>
    public WorkerRecording GetRecording(string workerId)
    {
        DecisionRecord[] decisions = Copy(workerId, out WorkerIdentity identity);
        return new WorkerRecording(identity.Id, identity.WorkerType, decisions);
    }

    /// <summary>
    /// Writes worker <paramref name="workerId"/>'s last decisions to <paramref name="stream"/> as JSON lines, oldest
    /// first: one UTF-8 JSON object per line, with the worker's id and type on every line. <see cref="WorkerRecording.Read"/>
    /// reads them back. The stream is left open.
    /// </summary>
    /// <exception cref="ArgumentException">No worker with that id has been added to this supervisor, or the recorder is off.</exception>
    public void Export(string workerId, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        GetRecording(workerId).WriteTo(stream);
    }

    /// <summary>How the recorder finds a live worker instance by id, and lists the live ids (the supervisor's, once).</summary>
    internal void Attach(Func<string, IDecisionWriter?> findLive, Func<IEnumerable<string>> liveIds)
    {
        _findLive = findLive;
        _liveIds = liveIds;
    }

    /// <summary>
    /// When worker instance <paramref name="writer"/> is created (<paramref name="owner"/> stands for it among the ring's owners): the ring of its id to continue (a restarted child,
    /// a worker added again with the same id and type), or a new one for a captured worker type; else
    /// <see langword="null"/> — the instance opens one at its first entry that does not stay in its slot.
    /// </summary>
    internal WorkerDecisions<TDesired, TObserved>? Continue<TDesired, TObserved>(IDecisionWriter writer, object owner, WorkerIdentity identity, WorkerDefinition definition, ILogger logger)
    {
        if (!IsEnabled)
        {
            return null;
        }

        lock (_gate)
        {
            if (_rings.TryGetValue(identity.Id, out DecisionRing? found) && found.Identity == identity && found is WorkerDecisions<TDesired, TObserved> ring)
            {
                ring.Owners.Add(owner);
                ring.Adopt(writer);
                return ring;
            }
        }

        return _captured.Contains(identity.WorkerType) ? Open<TDesired, TObserved>(writer, owner, identity, definition, logger) : null;
    }

    /// <summary>Opens (or continues) the ring of worker instance <paramref name="writer"/> (the recorder is on); <paramref name="owner"/> stands for the instance among the ring's owners.</summary>
    internal WorkerDecisions<TDesired, TObserved> Open<TDesired, TObserved>(IDecisionWriter writer, object owner, WorkerIdentity identity, WorkerDefinition definition, ILogger logger)
    {
        lock (_gate)
        {
            if (!_rings.TryGetValue(identity.Id, out DecisionRing? found) || found.Identity != identity || found is not WorkerDecisions<TDesired, TObserved> ring)
            {
                ring = new WorkerDecisions<TDesired, TObserved>(this, identity, _options, definition, _captured.Contains(identity.WorkerType), logger);
                _rings[identity.Id] = ring;
            }

            ring.Owners.Add(owner);
            ring.Adopt(writer);
            return ring;
        }
    }

    /// <summary>
    /// Worker instance <paramref name="owner"/> has stopped (idempotent): once no live instance writes the ring, it
    /// is kept among the last <see cref="FlightRecorderOptions.RemovedWorkersKept"/>, and the oldest beyond them is dropped.
    /// </summary>
    internal void Retire(DecisionRing ring, object owner)
    {
        lock (_gate)
        {
            if (!ring.Owners.Remove(owner) || ring.Owners.Count > 0)
            {
                return;
            }

            _retired.Enqueue(ring);
            while (_retired.Count > _options.RemovedWorkersKept)
            {
                DecisionRing dropped = _retired.Dequeue();
                if (dropped.Owners.Count == 0 && _rings.TryGetValue(dropped.Identity.Id, out DecisionRing? current) && current == dropped)
                {
                    _rings.TryRemove(dropped.Identity.Id, out _);
                }
            }
        }
    }

    // The live instance's recording (its slot has the newest entry), else the ring the id left behind.
    private DecisionRecord[] Copy(string workerId, out WorkerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(workerId);
        if (!IsEnabled)
        {
            throw new ArgumentException($"The flight recorder is off (SupervisorOptions.Recorder.Capacity is 0), so worker '{workerId}' has no recording.", nameof(workerId));
        }

        if (_findLive(workerId) is { } writer)
        {
            identity = writer.Identity;
            return DecisionRing.Copy(writer);
        }

        if (_rings.TryGetValue(workerId, out DecisionRing? ring))
        {
            identity = ring.Identity;
            return ring.Copy();
        }

        throw new ArgumentException($"No worker '{workerId}' has been added to this supervisor, so it has no recording.", nameof(workerId));
    }
}
