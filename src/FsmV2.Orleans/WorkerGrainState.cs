namespace FsmV2.Orleans;

/// <summary>What a worker grain keeps in grain storage: the root's type and spec, and every record of its subtree by id.</summary>
[GenerateSerializer]
internal sealed class WorkerGrainState
{
    /// <summary>The root worker's registered type, or <see langword="null"/> while the grain hosts none.</summary>
    [Id(0)]
    public string? WorkerType { get; set; }

    /// <summary>The root worker's spec as JSON.</summary>
    [Id(1)]
    public string? SpecJson { get; set; }

    /// <summary>The root and its children: state by name, since when, restart count and history.</summary>
    [Id(2)]
    public Dictionary<string, WorkerRow> Workers { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One persisted worker (or child) of a grain's subtree.</summary>
[GenerateSerializer]
internal sealed record WorkerRow(
    [property: Id(0)] string Id,
    [property: Id(1)] string WorkerType,
    [property: Id(2)] string StateName,
    [property: Id(3)] DateTimeOffset StateSince,
    [property: Id(4)] int RestartCount,
    [property: Id(5)] List<RestartRow> Restarts)
{
    public static WorkerRow Of(IWorkerRecord record) =>
        new(record.Identity.Id, record.Identity.WorkerType, record.StateName, record.StateSince, record.RestartCount,
            [.. record.RestartHistory.Select(RestartRow.Of)]);

    public PersistedWorker ToPersisted() =>
        new(Id, WorkerType, StateName, StateSince, RestartCount, [.. Restarts.Select(static r => r.ToRecord())]);
}

/// <summary>A <see cref="RestartRecord"/> as stored.</summary>
[GenerateSerializer]
internal sealed record RestartRow(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Reason,
    [property: Id(2)] int? Strategy,
    [property: Id(3)] int EndedInstance)
{
    public static RestartRow Of(RestartRecord r) => new(r.At, r.Reason, r.Strategy is { } s ? (int)s : null, r.EndedInstance);

    public RestartRecord ToRecord() => new(At, Reason, Strategy is { } s ? (RestartStrategy)s : null, EndedInstance);
}
