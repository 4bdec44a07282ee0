namespace FsmV2;

/// <summary>
/// Marks a method of a worker as an action: async, idempotent and cancellable. Actions run in the
/// supervisor's action pool, never on the tick, and never retry internally — the next tick decides again
/// from a fresh observation. Accepted shapes: <c>Task Name(TDesired desired, CancellationToken ct)</c>
/// or <c>Task Name(CancellationToken ct)</c>, static or instance, returning <see cref="Task"/> or
/// <see cref="ValueTask"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class ActionAttribute : Attribute
{
    /// <summary>
    /// How long one run may take before its cancellation token fires, in milliseconds.
    /// Zero (the default) uses <see cref="SupervisorOptions.DefaultActionTimeout"/>.
    /// </summary>
    public int TimeoutMs { get; set; }
}
