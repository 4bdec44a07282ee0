using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsmV2.Orleans;

/// <summary>
/// Every <see cref="FsmV2SiloSettings.KeeperInterval"/>, calls every registered worker grain: a grain whose silo was
/// lost is activated on a live one and resumes from its grain state. Orleans activates grains on a call; this is the call.
/// </summary>
internal sealed class FleetKeeper(IGrainFactory grains, FsmV2SiloSettings settings, ILocalSiloDetails silo, ILogger<FleetKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.KeeperInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await SweepAsync().ConfigureAwait(false);
        }
    }

    private async Task SweepAsync()
    {
        IReadOnlyList<string> ids = await ReadIdsAsync().ConfigureAwait(false);
        Task<bool>[] calls = [.. ids.Select(id => grains.GetGrain<IWorkerGrain>(id).EnsureActiveAsync())];
        try
        {
            await Task.WhenAll(calls).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A grain on a silo not yet declared dead does not answer: the next sweep calls it again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SweepIncomplete(logger, silo.Name, calls.Count(static c => !c.IsCompletedSuccessfully), calls.Length, ex.Message);
        }
    }

    // The ids of every shard that answers; a shard on a silo just lost is read again on the next sweep.
    private async Task<IReadOnlyList<string>> ReadIdsAsync()
    {
        Task<IReadOnlyList<string>>[] reads = FleetShards.ReadAll(grains);
        try
        {
            await Task.WhenAll(reads).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The silo may not be ready, or a fleet grain's silo was just lost: the next sweep tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ShardsUnread(logger, silo.Name, reads.Count(static r => !r.IsCompletedSuccessfully), reads.Length, ex.Message);
        }

        return [.. reads.Where(static r => r.IsCompletedSuccessfully).SelectMany(static r => r.Result)];
    }
}
