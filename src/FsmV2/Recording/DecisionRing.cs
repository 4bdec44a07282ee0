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

    /// <summary>The instance that writes the ring now (under the recorder's lock, or the tick's).</summary>
    public IDecisionWriter? Writer => Volatile.Read(ref _writer);

    /// <summary>
    /// Makes <paramref name="writer"/> the instance that writes the ring from now on; under the recorder's lock. A
    /// new instance continues the newest entry of the one before it (a stay can join it, as it would have); the one
    /// before has moved a kept stay into the ring when it stopped.
    /// </summary>
    public void Adopt(IDecisionWriter writer)
    {
        if (_writer is { } previous && !ReferenceEquals(previous, writer))
        {
            previous.FlushPendingWrite(); // a child restarted in the tick its old instance decided in
            ref DecisionTail from = ref previous.Tail;
            ref DecisionTail to = ref writer.Tail;
            (to.Count, to.Stay, to.LastAt) = (from.Count, from.IsKept ? 0 : from.Stay, from.LastAt);
        }

        Volatile.Write(ref _writer, writer);
    }

    /// <summary>Whether a capture of <paramref name="size"/> bytes can be kept at all.</summary>
    public bool Fits(int size) => size <= _captureBudget;

    /// <summary>Whether this worker type's decisions keep their snapshots (then every entry is in the ring).</summary>
    public bool KeepsSnapshots => _keepsSnapshots;

    /// <summary>
    /// Ends the ring's newest entry, which the tail described until now, with the tail's count and time; inside a
    /// write of the tail's sequence lock, the tick only.
    /// </summary>
    public void Close(ref DecisionTail tail) => Close(tail.Count, tail.LastAt);

    /// <summary>Ends the ring's newest entry (a coalesced stay) with its final count and time; inside a write, the tick only.</summary>
    public void Close(int count, long lastAt)
    {
        if (_written > 0 && _items is { } items)
        {
            ref DecisionEntry newest = ref At(items, _next == 0 ? _capacity - 1 : _next - 1);
            Volatile.Write(ref newest.Count, count);
            Volatile.Write(ref newest.LastAt, lastAt);
        }
    }

    /// <summary>
    /// Before a <see cref="DecisionJournal"/> applies a write that appends <paramref name="appends"/> entries: the array
    /// is allocated if it is not yet, and the cache lines the entries go to are asked for (a hint). The tick only.
    /// </summary>
    public void PrepareAppends(int appends)
    {
        DecisionEntry[] items = _items ?? Allocate();
        int index = _next;
        for (int i = 0; i < appends; i++)
        {
            DecisionJournal.Prefetch(ref At(items, index));
            index = index + 1 == _capacity ? 0 : index + 1;
        }
    }

    // Entry index of the ring's array, which has _capacity entries: _next and every index derived from it stay below
    // that, so the tick reads neither the array's length nor its header (a cache line it has not touched otherwise).
    private ref DecisionEntry At(DecisionEntry[] items, int index)
    {
        System.Diagnostics.Debug.Assert((uint)index < (uint)items.Length && items.Length == _capacity, "an index of the ring");
        return ref System.Runtime.CompilerServices.Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(items), index);
    }

    /// <summary>Makes a queued write (<see cref="DecisionJournal"/>); inside the writer's tail write, the tick only.</summary>
    public void Apply(in DecisionWrite write)
    {
        if (write.Close)
        {
            Close(write.CloseCount, write.CloseLastAt);
        }

        if (write.HasMoved)
        {
            Append(in write.Moved, captured: null); // no snapshots: a captured worker type writes at once
        }

        if (write.HasEntry)
        {
            Append(in write.Entry, captured: null);
        }
    }

    /// <summary>
    /// Appends an entry, dropping the oldest when the ring is full; inside a write of the tail's sequence lock, the
    /// tick only (one writer). The array must be there (<see cref="EnsureItems"/>, outside the write).
    /// </summary>
    public void Append(in DecisionEntry values, CapturedSnapshot? captured)
    {
        DecisionEntry[] items = _items!;
        long written = _written;
        int index = _next;
        DecisionEntry.Write(ref At(items, index), in values);
        if (_snapshots is { } snapshots)
        {
            Keep(snapshots, index, written, captured);
        }

        Volatile.Write(ref _written, written + 1);
        _next = index + 1 == _capacity ? 0 : index + 1;
    }

    /// <summary>Allocates the array at the first entry (the tick, outside a write: a reader sees it empty until then).</summary>
    public void EnsureItems()
    {
        if (_items is null)
        {
            Allocate();
        }
    }

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
    public DecisionRecord[] Copy() => Volatile.Read(ref _writer) is { } writer ? Copy(writer) : [];

    /// <summary>
    /// The decisions of <paramref name="writer"/>'s recording, oldest first, as a new array (any thread): its ring's
    /// entries and the newest entry from its tail, all read under the tail's sequence lock.
    /// </summary>
    public static DecisionRecord[] Copy(IDecisionWriter writer)
    {
        var spin = default(SpinWait);
        while (true)
        {
            DecisionRing? ring = writer.Ring;
            if (ring?.Writer is { } current && !ReferenceEquals(current, writer))
            {
                writer = current; // a newer instance continues this ring: its tail has the newest entry
                continue;
            }

            if (TryCopy(writer, out DecisionRecord[]? copy))
            {
                return copy;
            }

            writer.FlushPendingWrite(); // read on the tick's own thread (an escalation handler): never wait for itself
            spin.SpinOnce();
        }
    }

    private static bool TryCopy(IDecisionWriter writer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DecisionRecord[]? copy)
    {
        copy = null;
        ref DecisionTail tail = ref writer.Tail;
        int sequence = Volatile.Read(ref tail.Sequence);
        if ((sequence & 1) != 0)
        {
            return false;
        }

        DecisionRing? ring = writer.Ring;
        CapturedSnapshot?[] captured = [];
        DecisionEntry[] entries = ring is null ? [] : ring.ReadEntries(out captured);
        DecisionEntry newest = ReadTail(ref tail, writer.NewestReason);
        if (writer.ParkedStays(out long parkedLastAt) is > 0 and var parked && newest.Count > 0)
        {
            (newest.Count, newest.LastAt) = ((int)Math.Min(int.MaxValue, (long)newest.Count + parked), parkedLastAt);
        }

        if (Volatile.Read(ref tail.Sequence) != sequence || !ReferenceEquals(writer.Ring, ring) || (ring is not null && !ReferenceEquals(ring.Writer, writer)))
        {
            return false;
        }

        WorkerDefinition definition = writer.Definition;
        bool kept = newest.Kind == KeptMark;
        copy = new DecisionRecord[entries.Length + (kept ? 1 : 0)];
        for (int i = 0; i < entries.Length; i++)
        {
            if (i == entries.Length - 1 && newest.Count > 0 && !kept)
            {
                (entries[i].Count, entries[i].LastAt) = (newest.Count, newest.LastAt);
            }

            copy[i] = entries[i].ToRecord(definition, captured[i]);
        }

        if (kept)
        {
            newest.Kind = (byte)NextKind.Stay;
            copy[^1] = newest.ToRecord(definition, null);
        }

        return true;
    }

    private const byte KeptMark = byte.MaxValue;

    // The tail's newest entry: its count and time, and all of it when it is a kept stay (Kind KeptMark).
    private static DecisionEntry ReadTail(ref DecisionTail tail, string reason)
    {
        var newest = new DecisionEntry { Count = Volatile.Read(ref tail.Count), LastAt = Volatile.Read(ref tail.LastAt) };
        int stay = Volatile.Read(ref tail.Stay);
        if (stay < 0 && newest.Count > 0)
        {
            newest.Kind = KeptMark;
            newest.State = ~stay;
            newest.Target = -1;
            newest.Reason = reason;
            newest.At = Volatile.Read(ref tail.At);
            newest.ObservationVersion = Volatile.Read(ref tail.ObservationVersion);
            newest.ObservationAge = Volatile.Read(ref tail.ObservationAge);
            newest.DesiredVersion = Volatile.Read(ref tail.DesiredVersion);
        }

        return newest;
    }

    // The entries, oldest first, and their captures; inside the reader's sequence check.
    private DecisionEntry[] ReadEntries(out CapturedSnapshot?[] captured)
    {
        long written = Volatile.Read(ref _written);
        DecisionEntry[]? items = Volatile.Read(ref _items);
        CapturedSnapshot?[]? snapshots = Volatile.Read(ref _snapshots);
        int count = items is null ? 0 : (int)Math.Min(written, items.Length);
        var entries = new DecisionEntry[count];
        captured = new CapturedSnapshot?[count];
        long first = written - count;
        for (int i = 0; i < count; i++)
        {
            int at = (int)((first + i) % items!.Length);
            entries[i] = DecisionEntry.Read(ref items[at]);
            captured[i] = snapshots is null ? null : Volatile.Read(ref snapshots[at]);
        }

        return entries;
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

    /// <summary>The entry of a decision the worker took in <paramref name="state"/> at <paramref name="at"/> (UTC ticks), on these versions.</summary>
    public static DecisionEntry Of(in Next next, int state, long at, long observationVersion, long observationAge, long desiredVersion) => new()
    {
        At = at,
        LastAt = at,
        Count = 1,
        ObservationVersion = observationVersion,
        ObservationAge = observationAge,
        DesiredVersion = desiredVersion,
        Reason = next.Reason,
        State = state,
        Target = DecisionNames.TargetIndex(in next),
        Kind = (byte)next.Kind,
    };

    // Field by field, each a release store (a struct copy into the array is a rep movs, measured slower).
    public static void Write(ref DecisionEntry to, in DecisionEntry values)
    {
        Volatile.Write(ref to.At, values.At);
        Volatile.Write(ref to.LastAt, values.LastAt);
        Volatile.Write(ref to.ObservationVersion, values.ObservationVersion);
        Volatile.Write(ref to.ObservationAge, values.ObservationAge);
        Volatile.Write(ref to.DesiredVersion, values.DesiredVersion);
        Volatile.Write(ref to.Reason, values.Reason);
        Volatile.Write(ref to.State, values.State);
        Volatile.Write(ref to.Target, values.Target);
        Volatile.Write(ref to.Count, values.Count);
        Volatile.Write(ref to.Kind, values.Kind);
    }

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
