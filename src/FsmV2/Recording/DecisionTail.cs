namespace FsmV2;

/// <summary>
/// What the tick needs to coalesce a stay, and the sequence lock of the worker's recording, kept in the worker's
/// slot: a stay like the newest entry moves only <see cref="Count"/> and <see cref="LastAt"/> here, in memory the
/// tick already has in cache, and touches no other object. Written by the tick only; read with
/// <see cref="Sequence"/> from any thread (<see cref="DecisionRing.Copy"/>).
/// </summary>
/// <remarks>
/// Single writer, so the sequence needs no locked instruction. The writer stores it odd with <see cref="Volatile.Write{T}(ref T, T)"/>,
/// then every field it changes (here and in the ring) with <see cref="Volatile.Write{T}(ref T, T)"/> too — a release
/// store, so the odd sequence is visible before any of them, on ARM as on x64 — and finally stores it even, again a
/// release. A reader loads the sequence, then every field with <see cref="Volatile.Read{T}(ref readonly T)"/> (an
/// acquire, so no later load moves before it), then the sequence again: if it saw any value of a write under way,
/// the second load sees that write's odd or a later sequence, and the reader retries. On x64 all of these are plain
/// moves; the only cost is that the JIT keeps their order.
/// </remarks>
internal struct DecisionTail
{
#pragma warning disable SA1401, CA1051 // Plain fields: a struct embedded in the slot, written with Volatile by the tick.
    /// <summary>Even while stable, odd while the tick writes the tail or the ring.</summary>
    public int Sequence;

    /// <summary>How many decisions the newest entry stands for; 0 while the worker has not decided.</summary>
    public int Count;

    /// <summary>The newest entry's state index + 1 when it is a stay (a stay in the same state can join it), else 0.</summary>
    public int StayState;

    /// <summary>The time of the newest entry's last decision, UTC ticks.</summary>
    public long LastAt;

    /// <summary>The newest entry's reason (compared by the tick only).</summary>
    public string? Reason;
#pragma warning restore SA1401, CA1051

    /// <summary>
    /// Coalesces a stay in state <paramref name="state"/> with reason <paramref name="reason"/> at <paramref name="at"/>
    /// (UTC ticks) into the newest entry when that is a stay in the same state with the same reason.
    /// </summary>
    public bool TryCoalesce(int state, string reason, long at)
    {
        if (StayState != state + 1 || !(ReferenceEquals(Reason, reason) || string.Equals(Reason, reason, StringComparison.Ordinal)))
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

    /// <summary>Marks a write under way (odd); returns the sequence to give <see cref="EndWrite"/>.</summary>
    public int BeginWrite()
    {
        int sequence = Sequence;
        Volatile.Write(ref Sequence, sequence + 1);
        return sequence;
    }

    /// <summary>Publishes the write begun at <paramref name="sequence"/> (even again).</summary>
    public void EndWrite(int sequence) => Volatile.Write(ref Sequence, sequence + 2);

    /// <summary>Makes the newest entry a new one; inside a write.</summary>
    public void Start(int state, in Next next, long at)
    {
        Volatile.Write(ref Count, 1);
        Volatile.Write(ref LastAt, at);
        StayState = next.Kind == NextKind.Stay ? state + 1 : 0; // the tick's only
        Reason = next.Reason;
    }
}

/// <summary>The worker instance that writes a ring, whose <see cref="DecisionTail"/> holds the newest entry's count and time.</summary>
internal interface IDecisionWriter
{
    /// <summary>The instance's tail (a field of its slot).</summary>
    ref DecisionTail Tail { get; }
}
