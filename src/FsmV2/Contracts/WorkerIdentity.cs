namespace FsmV2;

/// <summary>Who a worker is. Written once when the worker is added and never changed.</summary>
/// <param name="Id">The id the worker was added with; unique within its supervisor.</param>
/// <param name="WorkerType">The worker's type name, as generated (for example <c>PumpWorker</c>).</param>
public sealed record WorkerIdentity(string Id, string WorkerType)
{
    /// <inheritdoc />
    public override string ToString() => $"{WorkerType}/{Id}";
}
