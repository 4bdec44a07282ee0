using System.Text.Json;

namespace FsmV2;

/// <summary>
/// The <see cref="FlightRecorder"/>'s bounds (<see cref="SupervisorOptions.Recorder"/>): how many decisions each worker
/// keeps, and which worker types also keep the snapshots they decided on.
/// </summary>
public sealed class FlightRecorderOptions
{
    /// <summary>The most decisions any worker may keep (its ring holds that many, allocated at once when it needs one).</summary>
    public const int MaxCapacity = 10_000;

    /// <summary>The most recordings of workers that left any recorder keeps.</summary>
    public const int MaxRemovedWorkersKept = 100_000;

    /// <summary>
    /// How many decisions each worker keeps, oldest dropped first; 0 turns the recorder off. Default 32. What is
    /// allocated when: nothing when a worker is added (its slot keeps its newest decision whole while that is a stay,
    /// so a worker that never left its first stay has nothing more); a ring of this many entries (64
    /// bytes each) at the worker's first decision that the slot cannot keep — its first transition, action or signal,
    /// or a stay with another state or reason — or when it stops, so its recording outlives it; nothing per tick.
    /// A captured worker type (<see cref="CaptureWorkerTypes"/>) opens its ring when it is added.
    /// </summary>
    public int Capacity { get; set; } = 32;

    /// <summary>
    /// How many workers' recordings are kept after they left (removed, stopped by a shutdown, or a child restarted
    /// under a new type), oldest dropped first, so a tree whose children come and go keeps bounded memory. A worker
    /// added again with the same id and type continues its recording. Default 256.
    /// </summary>
    public int RemovedWorkersKept { get; set; } = 256;

    /// <summary>
    /// The worker types (<see cref="WorkerDefinition.WorkerType"/>) whose decisions also keep the full snapshot they
    /// were made on — desired and observed state serialised with System.Text.Json, observation time, flags, children
    /// and recent actions — so <see cref="WorkerReplay"/> can evaluate them again. Serialising allocates on the tick,
    /// so it is for the few types under investigation. None by default.
    /// </summary>
    public IList<string> CaptureWorkerTypes { get; set; } = [];

    /// <summary>
    /// The most bytes of captured snapshots (UTF-8 JSON) each captured worker keeps; the oldest captures are
    /// dropped first (their decisions stay). A snapshot larger than this is not captured. Default 256 KiB.
    /// </summary>
    public int CaptureBudgetBytes { get; set; } = 256 * 1024;

    /// <summary>How captured desired and observed states are serialised (<see cref="UseJson"/>); System.Text.Json's defaults when <see langword="null"/>.</summary>
    internal JsonSerializerOptions? JsonOptions { get; private set; }

    /// <summary>
    /// Serialises captured desired and observed states with <paramref name="options"/> (give it a source-generated
    /// <c>TypeInfoResolver</c> in a trimmed or native AOT application). A method rather than a property, so that binding
    /// these options from configuration leaves it alone.
    /// </summary>
    /// <returns>These options.</returns>
    public FlightRecorderOptions UseJson(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        JsonOptions = options;
        return this;
    }

    /// <summary>Checks every option; throws naming the first one that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is negative, too large or missing.</exception>
    public void Validate()
    {
        const string owner = "SupervisorOptions.Recorder";
        OptionChecks.AtLeast(Capacity, 0, owner, nameof(Capacity));
        if (Capacity > MaxCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, $"{owner}.{nameof(Capacity)} must be at most {MaxCapacity} (was {Capacity}): each worker keeps that many decisions, in a ring allocated at once.");
        }

        OptionChecks.AtLeast(RemovedWorkersKept, 0, owner, nameof(RemovedWorkersKept));
        if (RemovedWorkersKept > MaxRemovedWorkersKept)
        {
            throw new ArgumentOutOfRangeException(nameof(RemovedWorkersKept), RemovedWorkersKept, $"{owner}.{nameof(RemovedWorkersKept)} must be at most {MaxRemovedWorkersKept} (was {RemovedWorkersKept}).");
        }

        OptionChecks.NotNull(CaptureWorkerTypes, owner, nameof(CaptureWorkerTypes));
        OptionChecks.AtLeast(CaptureBudgetBytes, 1, owner, nameof(CaptureBudgetBytes));
        for (int i = 0; i < CaptureWorkerTypes.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(CaptureWorkerTypes[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(CaptureWorkerTypes), CaptureWorkerTypes[i], $"{owner}.{nameof(CaptureWorkerTypes)}[{i}] is empty; list worker type names.");
            }
        }
    }

    /// <summary>A copy, so a supervisor keeps the values it was created with.</summary>
    public FlightRecorderOptions Clone()
    {
        var copy = (FlightRecorderOptions)MemberwiseClone();
        copy.CaptureWorkerTypes = CaptureWorkerTypes is null ? null! : [.. CaptureWorkerTypes];
        return copy;
    }
}
