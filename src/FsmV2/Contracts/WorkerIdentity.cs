namespace FsmV2;

/// <summary>Who a worker is. Written once when the worker is added and never changed.</summary>
/// <param name="Id">The id the worker was added with; unique within its supervisor.</param>
/// <param name="WorkerType">The worker's type name, as generated (for example <c>PumpWorker</c>).</param>
public sealed record WorkerIdentity(string Id, string WorkerType)
{
    /// <inheritdoc />
    public override string ToString() => $"{WorkerType}/{Id}";

    /// <summary>Whether <paramref name="id"/> names a descendant of worker <paramref name="ancestorId"/> (its id, a slash, and more).</summary>
    internal static bool IsBelow(string id, string ancestorId) =>
        id.Length > ancestorId.Length && id[ancestorId.Length] == '/' && id.StartsWith(ancestorId, StringComparison.Ordinal);
}
