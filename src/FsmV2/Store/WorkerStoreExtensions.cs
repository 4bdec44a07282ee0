namespace FsmV2;

/// <summary>Typed reads of an <see cref="IWorkerStore"/>.</summary>
public static class WorkerStoreExtensions
{
    /// <summary>The typed record of worker <paramref name="id"/>, or <see langword="null"/> if there is none or its types differ.</summary>
    public static WorkerRecord<TDesired, TObserved>? Get<TDesired, TObserved>(this IWorkerStore store, string id)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.TryGet(id, out IWorkerRecord? record) ? record as WorkerRecord<TDesired, TObserved> : null;
    }
}
