namespace FsmV2;

/// <summary>Totals over a supervisor's whole tree.</summary>
/// <param name="Supervised">Workers and children under supervision.</param>
/// <param name="Running">Those with a live instance in a running phase (healthy or degraded).</param>
/// <param name="Failed">
/// Those whose circuit is not closed, and children without a live instance (<see cref="ChildLifecycleState.Failed"/>,
/// <see cref="ChildLifecycleState.WaitingToRestart"/>, <see cref="ChildLifecycleState.Unstartable"/>).
/// </param>
/// <param name="Restarts">Restarts, summed over every worker.</param>
public sealed record SupervisionTotals(int Supervised, int Running, int Failed, int Restarts)
{
    /// <summary>The persistent store's status (<see cref="IPersistentWorkerStore.Status"/>); <see langword="null"/> for the in-memory store.</summary>
    public StoreStatus? Store { get; init; }

    internal void AppendTo(System.Text.StringBuilder text) =>
        text.Append("supervised=").Append(Supervised).Append(" running=").Append(Running)
            .Append(" failed=").Append(Failed).Append(" restarts=").Append(Restarts).Append('\n');
}
