namespace FsmV2.Orleans;

[GenerateSerializer]
internal sealed class FleetState
{
    [Id(0)]
    public HashSet<string> Ids { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class WorkerFleetGrain([PersistentState("fleet", FsmV2SiloBuilder.StorageName)] IPersistentState<FleetState> state) : Grain, IWorkerFleetGrain
{
    public Task<IReadOnlyList<string>> GetIdsAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Ids]);

    public Task RegisterAsync(string id) => state.State.Ids.Add(id) ? state.WriteStateAsync() : Task.CompletedTask;

    public Task UnregisterAsync(string id) => state.State.Ids.Remove(id) ? state.WriteStateAsync() : Task.CompletedTask;
}
