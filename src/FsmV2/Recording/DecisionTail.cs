namespace FsmV2;

/// <summary>
/// The newest entry of a worker's recording as far as the tick needs it, and the recording's sequence lock, kept in
/// the worker's slot. A stay like the newest entry moves only <see cref="Count"/> and <see cref="LastAt"/> here, in
/// memory the tick already has in cache. A newest entry that is a stay is kept here whole (it is not in the ring
/// yet) while its versions and age fit 32 bits, so a worker that never left its first stay has no ring at all; the
/// next entry moves it into the ring. The reason is the slot's current one. Written by the tick only; read with
/// <see cref="Sequence"/> from any thread (<see cref="DecisionRing.Copy(IDecisionWriter)"/>).
/// </summary>
/// <remarks>
/// Single writer, so the sequence needs no locked instruction. The writer stores it odd with <see cref="Volatile.Write(ref int, int)"/>,
/// then every field it changes (here and in the ring) with <see cref="Volatile"/> writes too — release stores, so the
/// odd sequence is visible before any of them, on ARM as on x64 — and finally stores it even, again a release. A
/// reader loads the sequence, then every field with <see cref="Volatile"/> reads (acquires, so no later load moves
/// before them), then the sequence again: if it saw any value of a write under way, the second load sees that
/// write's odd or a later sequence, and the reader retries. On x64 all of these are plain moves.
/// </remarks>
internal struct DecisionTail
{
#pragma warning disable SA1401, CA1051 // Plain fields: a struct embedded in the slot, written with Volatile by the tick.
    // In this order (a struct's fields are laid out as declared): what a coalesced stay reads and writes comes first, so
    // it shares a cache line with the slot's other hot fields as often as it can.
    /// <summary>Even while stable, odd while the tick writes the tail or the ring.</summary>
    public int Sequence;

    /// <summary>How many decisions the newest entry stands for; 0 while the worker has not decided.</summary>
    public int Count;

    /// <summary>The time of the newest entry's last decision, UTC ticks.</summary>
    public long LastAt;

    /// <summary>
    /// The newest entry's state when it is a stay: <c>state + 1</c> when the entry is in the ring, <c>~state</c> when
    /// it is kept here (<see cref="IsKept"/>); 0 when it is not a stay.
    /// </summary>
    public int Stay;

    /// <summary>A kept stay's observation version, age (ticks) and desired version.</summary>
    public int ObservationVersion;

    /// <inheritdoc cref="ObservationVersion"/>
    public int ObservationAge;

    /// <inheritdoc cref="ObservationVersion"/>
    public int DesiredVersion;

    /// <summary>A kept stay's time, UTC ticks.</summary>
    public long At;
#pragma warning restore SA1401, CA1051

    /// <summary>Whether the newest entry is a stay kept here, not in the ring.</summary>
    public readonly bool IsKept => Stay < 0;

    /// <summary>The state of a kept stay.</summary>
    public readonly int KeptState => ~Stay;

    /// <summary>Whether a stay with these values can be kept here.</summary>
    public static bool Fits(long observationVersion, long observationAge, long desiredVersion) =>
        (ulong)observationVersion <= int.MaxValue && (ulong)observationAge <= int.MaxValue && (ulong)desiredVersion <= int.MaxValue;

    /// <summary>
    /// Coalesces a stay in state <paramref name="state"/> with reason <paramref name="reason"/> at <paramref name="at"/>
    /// (UTC ticks) into the newest entry when that is a stay in the same state with the same reason
    /// (<paramref name="newestReason"/>, the slot's). No write may be under way (the slot flushes a pending one first).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool TryCoalesce(int state, string newestReason, string reason, long at)
    {
        if ((Stay != state + 1 && Stay != ~state) || !(ReferenceEquals(newestReason, reason) || string.Equals(newestReason, reason, StringComparison.Ordinal)))
        {
            return false;
        }

        int sequence = BeginWrite();
        int count = Count;
        Volatile.Write(ref Count, count == int.MaxValue ? count : count + 1);
        Volatile.Write(ref LastAt, at);
        EndWrite(sequence);
        return true;
    }

    /// <summary>
    /// Adds <paramref name="stays"/> decisions to the newest entry, the last at <paramref name="lastAt"/> (UTC ticks):
    /// the stays of a parked worker (<see cref="ParkSet"/>), the same as the newest one; inside a write.
    /// </summary>
    public void AddStays(int stays, long lastAt)
    {
        Volatile.Write(ref Count, (int)Math.Min(int.MaxValue, (long)Count + stays));
        Volatile.Write(ref LastAt, lastAt);
    }

    /// <summary>Marks a write under way (odd); returns the sequence to give <see cref="EndWrite"/>.</summary>
    public int BeginWrite()
    {
        int sequence = Sequence;
        Volatile.Write(ref Sequence, sequence + 1);
        return sequence;
    }

    /// <summary>Publishes the write a <see cref="DecisionJournal"/> was left to end (odd until now, even again).</summary>
    public void EndPendingWrite() => Volatile.Write(ref Sequence, Sequence + 1);

    /// <summary>Whether a write is under way: begun, and left to a <see cref="DecisionJournal"/> to end.</summary>
    public readonly bool IsWriting => (Sequence & 1) != 0;

    /// <summary>Publishes the write begun at <paramref name="sequence"/> (even again).</summary>
    public void EndWrite(int sequence) => Volatile.Write(ref Sequence, sequence + 2);

    /// <summary>Makes the newest entry one the ring holds; inside a write.</summary>
    public void Start(int state, NextKind kind, long at)
    {
        Volatile.Write(ref Count, 1);
        Volatile.Write(ref LastAt, at);
        Volatile.Write(ref Stay, kind == NextKind.Stay ? state + 1 : 0);
    }

    /// <summary>Makes the newest entry a stay kept here (<see cref="Fits"/>); inside a write.</summary>
    public void Keep(int state, long at, long observationVersion, long observationAge, long desiredVersion)
    {
        Volatile.Write(ref Count, 1);
        Volatile.Write(ref LastAt, at);
        Volatile.Write(ref At, at);
        Volatile.Write(ref ObservationVersion, (int)observationVersion);
        Volatile.Write(ref ObservationAge, (int)observationAge);
        Volatile.Write(ref DesiredVersion, (int)desiredVersion);
        Volatile.Write(ref Stay, ~state);
    }

    /// <summary>The kept stay as a ring entry, with its count and time so far.</summary>
    public readonly DecisionEntry KeptEntry(string reason) => new()
    {
        At = At,
        LastAt = LastAt,
        Count = Count,
        ObservationVersion = ObservationVersion,
        ObservationAge = ObservationAge,
        DesiredVersion = DesiredVersion,
        Reason = reason,
        State = ~Stay,
        Target = -1,
        Kind = (byte)NextKind.Stay,
    };

    /// <summary>The kept stay has moved to the ring: it is the ring's newest entry now; inside a write.</summary>
    public void Moved() => Volatile.Write(ref Stay, ~Stay + 1);
}

/// <summary>The worker instance whose slot holds a recording's <see cref="DecisionTail"/>.</summary>
internal interface IDecisionWriter
{
    /// <summary>The instance's tail (a field of its slot).</summary>
    ref DecisionTail Tail { get; }

    /// <summary>Its ring, once it needed one.</summary>
    DecisionRing? Ring { get; }

    /// <summary>The reason of its newest decision.</summary>
    string NewestReason { get; }

    /// <summary>Its worker's identity.</summary>
    WorkerIdentity Identity { get; }

    /// <summary>Its worker's definition (for the names).</summary>
    WorkerDefinition Definition { get; }

    /// <summary>
    /// Stays its worker made while parked (<see cref="ParkSet"/>) that the tail does not count yet, and the time of
    /// the last; read inside the tail's sequence lock (the tail counts them, and they end here, in one write).
    /// </summary>
    int ParkedStays(out long lastAtUtcTicks);

    /// <summary>
    /// Ends a write its tick left to the <see cref="DecisionJournal"/>, when called on that tick's thread (a reader there
    /// would otherwise wait for the end of the tick it is part of); elsewhere nothing.
    /// </summary>
    void FlushPendingWrite();
}
