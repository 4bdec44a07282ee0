namespace FsmV2;

/// <summary>What happened to a request to run an action. Enqueueing never blocks and never throws on the hot path.</summary>
internal enum EnqueueResult
{
    /// <summary>A pool slot was free: the action is starting.</summary>
    Started,

    /// <summary>Every slot is busy: the action waits in the pool's queue.</summary>
    Queued,

    /// <summary>The worker already has an action in flight; nothing was enqueued.</summary>
    AlreadyInFlight,

    /// <summary>The pool's queue is full; nothing was enqueued. The worker decides again on a later tick.</summary>
    QueueFull,
}
