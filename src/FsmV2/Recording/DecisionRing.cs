namespace FsmV2;

/// <summary>
/// One worker id's last decisions, written by the tick only, read from any thread. Entries are compact (indexes and
/// ticks, names resolved when read) and the array is allocated at the worker's first decision, so a worker added but
/// never observed holds none; from then on nothing is allocated. The newest entry's count and last time live in the
/// writer's <see cref="DecisionTail"/> (its slot), which also holds the sequence lock every write is made under.
/// </summary>
internal class DecisionRing
{
    private readonly WorkerDefinition _definition;
    private readonly int _capacity;
    private readonly int _captureBudget;
    private readonly bool _keepsSnapshots;
    private DecisionEntry[]? _items; // allocated by the first entry
    private CapturedSnapshot?[]? _snapshots; // beside _items, for a captured worker type only
    private long _written; // entries ever added
    private int _next; // where the next entry goes: _written % capacity, kept so the tick never divides
    private int _capturedBytes;
    private long _oldestCaptured; // the absolute index from which captures may still be held
    private IDecisionWriter? _writer;
    private DecisionTail _retiredTail; // the tail read while no instance has written this ring

    public DecisionRing(WorkerIdentity identity, WorkerDefinition definition, int capacity, int captureBudget, bool capture)
    {
        Identity = identity;
        _definition = definition;
        _capacity = capacity;
        _captureBudget = captureBudget;
        _keepsSnapshots = capture;
    }

    /// <summary>The worker the ring was opened for (a restarted child continues the ring of its id).</summary>
    public WorkerIdentity Identity { get; }

    /// <summary>The live worker instances that write this ring (a restarted child's new instance opens it before the old one stops); under the recorder's lock.</summary>
    public HashSet<object> Owners { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The bytes of captured snapshots the ring holds now.</summary>
    public int CapturedBytes => Volatile.Read(ref _capturedBytes);

    /// <summary>
    /// Makes <paramref name="writer"/> the instance that writes the ring from now on; under the recorder's lock. A
    /// new instance continues the newest entry of the one before it (a stay can join it, as it would have).
    /// </summary>
    public void Adopt(IDecisionWriter writer)
    {
        if (_writer is { } previous && !ReferenceEquals(previous, writer))
        {
            ref DecisionTail from = ref previous.Tail;
            ref DecisionTail to = ref writer.Tail;
            (to.Count, to.StayState, to.LastAt, to.Reason) = (from.Count, from.StayState, from.LastAt, from.Reason);
        }

        Volatile.Write(ref _writer, writer);
    }

    /// <summary>Whether a capture of <paramref name="size"/> bytes can be kept at all.</summary>
    public bool Fits(int size) => size <= _captureBudget;

    /// <summary>
    /// Adds the decision <paramref name="next"/> made in state <paramref name="state"/>, dropping the oldest when the
    /// ring is full, under <paramref name="tail"/>'s sequence lock; the tick only (one writer).
    /// </summary>
    public void Add(ref DecisionTail tail, int state, in Next next, long at, long observationVersion, long observationAge, long desiredVersion, CapturedSnapshot? captured)
    {
        DecisionEntry[] items = _items ?? Allocate();
        int sequence = tail.BeginWrite();
        long written = _written;
        if (written > 0)
        {
            // The newest entry's count and time were the tail's: they are the entry's own from now on.
            ref DecisionEntry newest = ref items[_next == 0 ? items.Length - 1 : _next - 1];
            Volatile.Write(ref newest.Count, tail.Count);
            Volatile.Write(ref newest.LastAt, tail.LastAt);
        }

        int index = _next;
        ref DecisionEntry entry = ref items[index];
        Volatile.Write(ref entry.At, at);
        Volatile.Write(ref entry.ObservationVersion, observationVersion);
        Volatile.Write(ref entry.ObservationAge, observationAge);
        Volatile.Write(ref entry.DesiredVersion, desiredVersion);
        Volatile.Write(ref entry.Reason, next.Reason);
        Volatile.Write(ref entry.State, state);
        Volatile.Write(ref entry.Target, DecisionNames.TargetIndex(in next));
        Volatile.Write(ref entry.Kind, (byte)next.Kind);
        if (_snapshots is { } snapshots)
        {
            Keep(snapshots, index, written, captured);
        }

        tail.Start(state, in next, at);
        Volatile.Write(ref _written, written + 1);
        _next = index + 1 == items.Length ? 0 : index + 1;
        tail.EndWrite(sequence);
    }

    // Outside the sequence lock: a reader that sees the array sees it empty (_written is still 0).
    private DecisionEntry[] Allocate()
    {
        if (_keepsSnapshots)
        {
            _snapshots = new CapturedSnapshot?[_capacity];
        }

        DecisionEntry[] items = new DecisionEntry[_capacity];
        Volatile.Write(ref _items, items);
        return items;
    }

    // The capture of the entry at index (absolute: written); the one it overwrites leaves the budget.
    private void Keep(CapturedSnapshot?[] snapshots, int index, long written, CapturedSnapshot? captured)
    {
        if (snapshots[index] is { } evicted)
        {
            _capturedBytes -= evicted.SizeBytes;
        }

        if (captured is not null)
        {
            MakeRoom(snapshots, captured.SizeBytes, written);
            _capturedBytes += captured.SizeBytes;
        }

        Volatile.Write(ref snapshots[index], captured);
    }

    // Drops the oldest captures (their decisions stay) until the newest one fits the budget.
    private void MakeRoom(CapturedSnapshot?[] snapshots, int size, long newest)
    {
        long oldest = Math.Max(_oldestCaptured, newest - snapshots.Length + 1);
        while (_capturedBytes + size > _captureBudget && oldest < newest)
        {
            ref CapturedSnapshot? entry = ref snapshots[(int)(oldest % snapshots.Length)];
            if (entry is { } dropped)
            {
                _capturedBytes -= dropped.SizeBytes;
                Volatile.Write(ref entry, null);
            }

            oldest++;
        }

        _oldestCaptured = oldest;
    }

    /// <summary>The decisions, oldest first, as a new array (any thread).</summary>
    public DecisionRecord[] Copy()
    {
        var spin = default(SpinWait);
        while (true)
        {
            IDecisionWriter? writer = Volatile.Read(ref _writer);
            if (TryCopy(writer, out DecisionRecord[]? copy))
            {
                return copy;
            }

            spin.SpinOnce();
        }
    }

    private bool TryCopy(IDecisionWriter? writer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DecisionRecord[]? copy)
    {
        copy = null;
        ref DecisionTail tail = ref writer is null ? ref _retiredTail : ref writer.Tail;
        int sequence = Volatile.Read(ref tail.Sequence);
        if ((sequence & 1) != 0)
        {
            return false;
        }

        long written = Volatile.Read(ref _written);
        DecisionEntry[]? items = Volatile.Read(ref _items);
        CapturedSnapshot?[]? snapshots = Volatile.Read(ref _snapshots);
        int count = items is null ? 0 : (int)Math.Min(written, items.Length);
        var entries = new DecisionEntry[count];
        var captured = new CapturedSnapshot?[count];
        long first = written - count;
        for (int i = 0; i < count; i++)
        {
            int at = (int)((first + i) % items!.Length);
            entries[i] = DecisionEntry.Read(ref items[at]);
            captured[i] = snapshots is null ? null : Volatile.Read(ref snapshots[at]);
        }

        int tailCount = Volatile.Read(ref tail.Count);
        long tailLastAt = Volatile.Read(ref tail.LastAt);
        if (Volatile.Read(ref tail.Sequence) != sequence || !ReferenceEquals(Volatile.Read(ref _writer), writer))
        {
            return false;
        }

        if (count > 0 && tailCount > 0)
        {
            (entries[count - 1].Count, entries[count - 1].LastAt) = (tailCount, tailLastAt);
        }

        copy = new DecisionRecord[count];
        for (int i = 0; i < count; i++)
        {
            copy[i] = entries[i].ToRecord(_definition, captured[i]);
        }

        return true;
    }
}

/// <summary>One entry of a <see cref="DecisionRing"/>: indexes and UTC ticks, no names (64 bytes).</summary>
internal struct DecisionEntry
{
#pragma warning disable SA1401, CA1051 // Plain fields of an array element, written and read with Volatile.
    public long At;
    public long LastAt; // the entry's own once a newer entry exists; until then the writer's tail has it
    public long ObservationVersion;
    public long ObservationAge;
    public long DesiredVersion;
    public string? Reason;
    public int State;
    public int Target; // DecisionNames.TargetIndex
    public int Count;
    public byte Kind; // NextKind
#pragma warning restore SA1401, CA1051

    public static DecisionEntry Read(ref DecisionEntry from) => new()
    {
        At = Volatile.Read(ref from.At),
        LastAt = Volatile.Read(ref from.LastAt),
        ObservationVersion = Volatile.Read(ref from.ObservationVersion),
        ObservationAge = Volatile.Read(ref from.ObservationAge),
        DesiredVersion = Volatile.Read(ref from.DesiredVersion),
        Reason = Volatile.Read(ref from.Reason),
        State = Volatile.Read(ref from.State),
        Target = Volatile.Read(ref from.Target),
        Count = Volatile.Read(ref from.Count),
        Kind = Volatile.Read(ref from.Kind),
    };

    public readonly DecisionRecord ToRecord(WorkerDefinition definition, CapturedSnapshot? snapshot)
    {
        var at = new DateTimeOffset(At, TimeSpan.Zero);
        string state = (uint)State < (uint)definition.StateCount ? definition.GetStateName(State) : State.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new DecisionRecord(at, state, (NextKind)Kind, DecisionNames.Target(definition, (NextKind)Kind, Target), Reason, ObservationVersion, new TimeSpan(ObservationAge), DesiredVersion)
        {
            Count = Count,
            LastAt = Count > 1 ? new DateTimeOffset(LastAt, TimeSpan.Zero) : at,
            Snapshot = snapshot,
        };
    }
}
