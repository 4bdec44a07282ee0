namespace FsmV2;

/// <summary>
/// The user-written part of a worker: how it observes the world, and how its desired state derives from
/// the spec it was given. States and actions are declared with attributes on the same partial class.
/// </summary>
/// <typeparam name="TDesired">What the worker should be doing, derived from its spec.</typeparam>
/// <typeparam name="TObserved">What the worker observed the world to be.</typeparam>
public interface IWorker<TDesired, TObserved>
{
    /// <summary>
    /// Gathers the observed state. This is the only place where a worker does I/O for observing. It runs on
    /// the worker's collector loop, never on the tick, with a timeout; a throw or a hang is recorded in the
    /// snapshot (<see cref="Snapshot{TDesired, TObserved}.CollectError"/>) and the last good observation ages
    /// until it is stale, which pauses the worker's decisions.
    /// </summary>
    ValueTask<TObserved> CollectAsync(TDesired desired, CancellationToken ct);

    /// <summary>
    /// Derives the desired state from the spec the worker was added (or updated) with. The default returns
    /// the spec unchanged; override it to normalise or enrich the spec. Must be pure: it is called when the
    /// spec changes, never for I/O.
    /// </summary>
    TDesired DeriveDesired(TDesired spec) => spec;
}
