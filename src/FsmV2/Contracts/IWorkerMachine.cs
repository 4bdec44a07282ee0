using System.ComponentModel;

namespace FsmV2;

/// <summary>
/// The adapter the generator emits for every <see cref="WorkerAttribute">[Worker]</see>. The supervisor drives
/// workers only through it: no reflection, no allocation per tick. Not meant to be implemented by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IWorkerMachine<TDesired, TObserved> : IWorker<TDesired, TObserved>
{
    /// <summary>The worker's static description: states, phases, actions, timeouts and declared transitions.</summary>
    WorkerDefinition Definition { get; }

    /// <summary>Evaluates the state with index <paramref name="state"/> on <paramref name="snapshot"/>.</summary>
    Next Decide(int state, in Snapshot<TDesired, TObserved> snapshot);

    /// <summary>Starts the action with index <paramref name="action"/>.</summary>
    Task RunActionAsync(int action, TDesired desired, CancellationToken ct);
}
