namespace FsmV2;

/// <summary>The type-erased view of a <see cref="WorkerRecord{TDesired, TObserved}"/>, for inspection.</summary>
public interface IWorkerRecord
{
    /// <summary>Who the worker is; written once.</summary>
    WorkerIdentity Identity { get; }

    /// <summary>Increases every time the desired state is set.</summary>
    long DesiredVersion { get; }

    /// <summary>When the desired state was last set.</summary>
    DateTimeOffset DesiredAt { get; }

    /// <summary>When the last good observation was collected, or <see langword="null"/> before the first.</summary>
    DateTimeOffset? CollectedAt { get; }

    /// <summary>The error of the most recent collection, or <see langword="null"/> if it succeeded.</summary>
    Exception? CollectError { get; }
}
