namespace FsmV2;

/// <summary>
/// The restart count and recent restart history of one worker id. Owned by the child's lifecycle (or by a
/// top-level worker's slot) and handed to every instance, so it survives restarts. Written by the tick, read by
/// status readers on any thread.
/// </summary>
internal sealed class RestartLedger
{
    /// <summary>How many restarts <see cref="History"/> keeps.</summary>
    public const int HistoryLength = 10;

    private Queue<RestartRecord>? _history; // created by the first restart (or a restore): most workers never restart
    private int _count;

    /// <summary>Restarts so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The instance now live (or last live): 1 before any restart.</summary>
    public int Instance => Count + 1;

    /// <summary>The last <see cref="HistoryLength"/> restarts, oldest first (a copy).</summary>
    public IReadOnlyList<RestartRecord> History
    {
        get
        {
            lock (this)
            {
                return _history is not { Count: > 0 } history ? [] : [.. history];
            }
        }
    }

    /// <summary>Restores a persisted count and history (on resume, before the first instance runs).</summary>
    public void Restore(int count, IReadOnlyList<RestartRecord> history)
    {
        lock (this)
        {
            _history = new Queue<RestartRecord>(history.Skip(Math.Max(0, history.Count - HistoryLength)));

            Volatile.Write(ref _count, Math.Max(count, 0));
        }
    }

    /// <summary>Records a restart of the live instance; returns the restart's number (1 for the first).</summary>
    public int Record(DateTimeOffset at, string reason, RestartStrategy? strategy)
    {
        lock (this)
        {
            _history ??= new Queue<RestartRecord>(HistoryLength);
            if (_history.Count == HistoryLength)
            {
                _history.Dequeue();
            }

            _history.Enqueue(new RestartRecord(at, reason, strategy, _count + 1));
            return Interlocked.Increment(ref _count);
        }
    }
}
