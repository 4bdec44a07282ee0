using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Storage;

namespace FsmV2.Orleans;

/// <summary>
/// Hosts one root worker and its subtree in one <see cref="Supervisor"/>, ticked on a grain timer (the same
/// <see cref="Supervisor.Tick"/> as in-process), its records persisted in grain state by <see cref="GrainWorkerStore"/>.
/// Orleans' single activation per key means no worker is active twice; a new activation resumes from the state and
/// claims it (one write, which moves its etag on), so the storage refuses a write of an older activation still running
/// (a zombie on a silo declared dead): refused once, that activation is fenced — it stops ticking, writes no more and
/// deactivates. Placed at random among the compatible silos (ADR 0022): no statistics to wait for or herd on, each silo
/// takes its share of new workers, a silo that joins included.
/// </summary>
[RandomPlacement]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The supervisor is disposed in OnDeactivateAsync, the end of a grain activation.")]
internal sealed class WorkerGrain : Grain, IWorkerGrain
{
    private readonly IPersistentState<WorkerGrainState> state;
    private readonly WorkerTypeRegistry types;
    private readonly FsmV2SiloSettings settings;
    private readonly IServiceProvider services;
    private readonly ILogger logger;
    private readonly ISiloStatusOracle silo;
    private Supervisor _supervisor = null!;
    private GrainWorkerStore _store = null!;
    private object? _handle;
    private IGrainTimer? _timer;
    private bool _removing;
    private Task? _fenced;

    public WorkerGrain(
        [PersistentState("worker", FsmV2SiloBuilder.StorageName)] IPersistentState<WorkerGrainState> state,
        WorkerTypeRegistry types,
        FsmV2SiloSettings settings,
        IServiceProvider services,
        ILogger<WorkerGrain> logger,
        ISiloStatusOracle silo)
    {
        this.state = state;
        this.types = types;
        this.settings = settings;
        this.services = services;
        this.logger = logger;
        this.silo = silo;
    }

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.WorkerType is not null)
        {
            await ClaimAsync(cancellationToken).ConfigureAwait(true);
        }

        _store = new GrainWorkerStore($"grain state of worker grain '{Id}'", state.State.Workers.Values);
        _supervisor = new Supervisor(settings.Supervisor, services.GetService<TimeProvider>(), logger, store: _store);
        if (state.State.WorkerType is { } type)
        {
            int persisted = state.State.Workers.Count;
            try
            {
                Host(type, state.State.SpecJson ?? "null");
                Log.Activated(logger, Id, RuntimeIdentity, type, persisted);
            }
#pragma warning disable CA1031 // A worker that cannot be resumed does not keep its grain from activating.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ResumeFailed(logger, ex, Id, ex.Message);
            }
        }
    }

    // Writes the state as read, moving its etag on: an older activation's next write is refused from now on. A write
    // refused here means another activation wrote after this one read: read again (the newer state) and claim that.
    private async Task ClaimAsync(CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await state.WriteStateAsync(ct).ConfigureAwait(true);
                return;
            }
            catch (InconsistentStateException ex) when (attempt < 3)
            {
                Log.ClaimRefused(logger, Id, RuntimeIdentity, attempt, ex.Message);
                await state.ReadStateAsync(ct).ConfigureAwait(true);
            }
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_fenced is not null)
        {
            await _fenced.ConfigureAwait(true); // stopped when fenced; nothing of it is written
            return;
        }

        _timer?.Dispose();
        _store.OnShutdown();
        if (state.State.WorkerType is not null)
        {
            await PersistAsync().ConfigureAwait(true); // as it is now: the next activation resumes here, not in the wind-down
        }

        await _supervisor.ShutdownAsync(cancellationToken).ConfigureAwait(true); // the wind-down is not persisted (frozen above)
    }

    public async Task AddAsync(string workerType, string specJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerType);
        ArgumentNullException.ThrowIfNull(specJson);
        if (state.State.WorkerType is { } hosted)
        {
            throw new ArgumentException($"Worker '{Id}' already exists (type '{hosted}'); worker ids are unique in the cluster.", nameof(workerType));
        }

        Host(workerType, specJson);
        state.State.WorkerType = workerType;
        state.State.SpecJson = specJson;
        await PersistAsync(force: true).ConfigureAwait(true);
        await FleetShards.For(GrainFactory, Id).RegisterAsync(Id).ConfigureAwait(true);
    }

    public async Task UpdateSpecAsync(string specJson)
    {
        ArgumentNullException.ThrowIfNull(specJson);
        if (_handle is null || state.State.WorkerType is not { } type)
        {
            throw new InvalidOperationException($"Worker '{Id}' does not exist: add it before updating its spec.");
        }

        types.Get(Id, type).Update(_handle, Id, specJson);
        state.State.SpecJson = specJson;
        await PersistAsync(force: true).ConfigureAwait(true);
    }

    public Task<bool> RemoveAsync()
    {
        if (_handle is null)
        {
            return Task.FromResult(false);
        }

        _removing = true;
        return Task.FromResult(_supervisor.RemoveWorker(Id));
    }

    public Task<IReadOnlyList<WorkerGrainStatus>> GetStatusAsync() =>
        Task.FromResult<IReadOnlyList<WorkerGrainStatus>>(
            [.. _supervisor.GetStatus().Select(s => new WorkerGrainStatus(s.Id, s.WorkerType, s.State, s.Phase.ToString(), s.Circuit.ToString(), s.RestartCount, s.FaultCount, RuntimeIdentity))]);

    public Task<bool> IsolateAsync(string? id = null) => Task.FromResult(_supervisor.IsolateCircuit(id ?? Id));

    public Task<bool> CloseAsync(string? id = null) => Task.FromResult(_supervisor.CloseCircuit(id ?? Id));

    public Task<bool> RestartAsync(string reason, string? id = null) => Task.FromResult(_supervisor.RestartWorker(id ?? Id, reason));

    public Task<bool> EnsureActiveAsync() => Task.FromResult(_handle is not null);

    private void Host(string workerType, string specJson)
    {
        _handle = types.Get(Id, workerType).Add(_supervisor, Id, specJson, services);
        TimeSpan every = settings.Supervisor.TickInterval;
        _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(every, every) { KeepAlive = true });
    }

    private async Task TickAsync(CancellationToken ct)
    {
        if (_fenced is not null || silo.CurrentStatus.IsTerminating())
        {
            return; // fenced, or this silo is leaving (a killed one is declared dead and its grains run elsewhere): no decision, no action
        }

        _supervisor.Tick();
        if (_removing && _supervisor.Count == 0)
        {
            await LeaveAsync().ConfigureAwait(true);
            return;
        }

        await PersistAsync().ConfigureAwait(true);
    }

    // The root left after RemoveAsync: nothing of it is kept, and the grain may go.
    private async Task LeaveAsync()
    {
        _timer?.Dispose();
        _timer = null;
        _handle = null;
        _removing = false;
        state.State = new WorkerGrainState();
        await state.ClearStateAsync().ConfigureAwait(true);
        await FleetShards.For(GrainFactory, Id).UnregisterAsync(Id).ConfigureAwait(true);
        Log.Removed(logger, Id);
        DeactivateOnIdle();
    }

    private async Task PersistAsync(bool force = false)
    {
        if (_fenced is not null)
        {
            if (force)
            {
                throw new InvalidOperationException($"Worker grain '{Id}' on {RuntimeIdentity} is fenced (another activation wrote its state since): call again, the next activation has the newer state.");
            }

            return;
        }

        Dictionary<string, WorkerRow>? rows = _store.TakeChanges();
        if (rows is null && !force)
        {
            return;
        }

        if (rows is not null)
        {
            state.State.Workers = rows;
        }

        try
        {
            await state.WriteStateAsync().ConfigureAwait(true);
            _store.Written(state.State.Workers.Count, (services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow());
        }
#pragma warning disable CA1031 // A storage failure is reported in the store's status and tried again; the workers run on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _store.Failed(ex);
            if (ex is InconsistentStateException)
            {
                Fence(ex);
            }
            else
            {
                Log.WriteFailed(logger, ex, Id, ex.Message);
            }

            if (force)
            {
                throw;
            }
        }
    }

    // The storage refused a write as stale: another activation of this grain wrote since this one read (this one is a
    // zombie, or a zombie wrote after this one claimed). Its rows are not written over: this activation stops ticking,
    // writes no more, stops its workers (a cancelled shutdown: in-flight actions cancelled) and deactivates; the next
    // call activates the grain again from the newer state.
    private void Fence(Exception ex)
    {
        _timer?.Dispose();
        _timer = null;
        Log.Fenced(logger, Id, RuntimeIdentity, ex.Message);
        _fenced = _supervisor.ShutdownAsync(new CancellationToken(canceled: true));
        DeactivateOnIdle();
    }
}
