using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsmV2.Hosting;

/// <summary>
/// Runs the supervisor for the lifetime of the host. Start adds the registered workers and starts the tick loop
/// (<see cref="Supervisor.RunAsync"/>) without waiting on it. Stop runs <see cref="Supervisor.ShutdownAsync"/>
/// with the host's stop token, so the graceful drain — workers heading for a removable state, actions in flight
/// finishing — is bounded by whichever comes first, <see cref="SupervisorOptions.ShutdownTimeout"/> or the host's
/// shutdown timeout; then the tick loop ends. Stop returns within the host's token: when it is cancelled, workers
/// whose actions ignore cancellation are abandoned (and logged) rather than awaited, so after a SIGTERM the process
/// exits once the host's shutdown timeout has passed instead of waiting out such an action.
/// </summary>
internal sealed partial class SupervisorHostedService : IHostedService, IDisposable
{
    private readonly Supervisor _supervisor;
    private readonly IEnumerable<WorkerRegistration> _workers;
    private readonly IServiceProvider _services;
    private readonly HostedWorkers _handles;
    private readonly ILogger<SupervisorHostedService> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _run;

    public SupervisorHostedService(Supervisor supervisor, IEnumerable<WorkerRegistration> workers, IServiceProvider services, HostedWorkers handles, ILogger<SupervisorHostedService> logger)
    {
        _supervisor = supervisor;
        _workers = workers;
        _services = services;
        _handles = handles;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (WorkerRegistration registration in _workers)
        {
            registration.AddTo(_supervisor, _services, _handles);
        }

        _run = _supervisor.RunAsync(_stopping.Token);
        LogStarted(_logger, _supervisor.Count);
        return _run.IsCompleted ? _run : Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_run is null)
        {
            return; // never started
        }

        try
        {
            await _supervisor.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            try
            {
                // With no workers left, the loop's own shutdown returns after one tick.
                await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                LogStopAbandoned(_logger);
            }
        }

        LogStopped(_logger, _supervisor.Count);
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "FsmV2 supervisor started with {WorkerCount} worker(s)")]
    private static partial void LogStarted(ILogger logger, int workerCount);

    [LoggerMessage(EventId = 901, Level = LogLevel.Information, Message = "FsmV2 supervisor stopped; {WorkerCount} worker(s) left")]
    private static partial void LogStopped(ILogger logger, int workerCount);

    [LoggerMessage(EventId = 902, Level = LogLevel.Warning, Message = "FsmV2 supervisor: the host's shutdown timeout passed before the tick loop ended")]
    private static partial void LogStopAbandoned(ILogger logger);
}
