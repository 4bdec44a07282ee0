using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FsmV2.Orleans.Tests;

/// <summary>
/// Grain storage that outlives a silo, as a database would: one dictionary for every silo of the in-process
/// cluster, each state kept as bytes (Orleans' serializer), so a killed silo's objects are never shared. Keys start
/// with the cluster's id: clusters of tests running at once do not see each other's rows. Like the real providers it
/// checks etags: a write or clear whose etag is not the stored one (another activation wrote since this one read) is
/// refused with <see cref="InconsistentStateException"/>.
/// </summary>
internal sealed class SharedGrainStorage(Serializer serializer, string clusterId) : IGrainStorage
{
    private static readonly Lock Gate = new();

    public static ConcurrentDictionary<string, (byte[] State, string ETag)> Rows { get; } = new();

    /// <summary>Writes and clears refused as stale, by key.</summary>
    public static ConcurrentDictionary<string, int> Refused { get; } = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Rows.TryGetValue(Key(stateName, grainId), out (byte[] State, string ETag) row))
        {
            grainState.State = serializer.Deserialize<T>(row.State);
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string key = Key(stateName, grainId);
        string etag = Guid.NewGuid().ToString("N");
        lock (Gate)
        {
            if (Rows.TryGetValue(key, out (byte[] State, string ETag) stored) && stored.ETag == grainState.ETag && Interposed.TryRemove(key, out object? other))
            {
                Rows[key] = (serializer.SerializeToArray((T)other), Guid.NewGuid().ToString("N")); // another activation was first
            }

            Check(key, grainState.ETag, "write");
            Rows[key] = (serializer.SerializeToArray(grainState.State), etag);
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string key = Key(stateName, grainId);
        lock (Gate)
        {
            Check(key, grainState.ETag, "clear");
            Rows.TryRemove(key, out _);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    /// <summary>As another activation would: writes <paramref name="state"/> under <paramref name="key"/> with a new etag.</summary>
    public void WriteAsAnotherActivation<T>(string key, T state)
    {
        lock (Gate)
        {
            Rows[key] = (serializer.SerializeToArray(state), Guid.NewGuid().ToString("N"));
        }
    }

    /// <summary>
    /// As another activation would between this one's read and its next write: <paramref name="state"/> is written under
    /// <paramref name="key"/> just before the next write to it that would have been accepted, which is then refused.
    /// </summary>
    public static void InterposeBeforeNextWrite(string key, object state) => Interposed[key] = state;

    private static readonly ConcurrentDictionary<string, object> Interposed = new();

    /// <summary>The stored state under <paramref name="key"/>.</summary>
    public T Read<T>(string key) => serializer.Deserialize<T>(Rows[key].State)!;

    // As the database providers: the stored etag must be the one the grain read (none for a row that does not exist).
    private static void Check(string key, string? etag, string what)
    {
        string? stored = Rows.TryGetValue(key, out (byte[] State, string ETag) row) ? row.ETag : null;
        if (stored != etag)
        {
            Refused.AddOrUpdate(key, 1, static (_, n) => n + 1);
            throw new InconsistentStateException($"SharedGrainStorage: {what} of {key} refused: stored etag {stored ?? "(none)"}, the grain's {etag ?? "(none)"}", stored, etag);
        }
    }

    private string Key(string stateName, GrainId grainId) => $"{clusterId}/{stateName}/{grainId}";
}

/// <summary>Every silo of the test clusters: FsmV2 with the probe worker, fast pacing, the shared storage.</summary>
public sealed class FsmV2Silo : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddFsmV2(fsm =>
        {
            fsm.AddWorker<Workers.ProbeWorker, Workers.ProbeSpec, Workers.ProbeStatus>();
            fsm.AddWorker<Workers.FarmWorker, Workers.FarmSpec, Workers.FarmStatus>();
            fsm.Supervisor.TickInterval = TimeSpan.FromMilliseconds(50);
            fsm.Supervisor.CollectInterval = TimeSpan.FromMilliseconds(100);
            fsm.KeeperInterval = TimeSpan.FromSeconds(1);
        });
        siloBuilder.Services.AddSingleton<ILoggerProvider>(CapturedLog.Provider);
        siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(FsmV2SiloBuilder.StorageName, static (sp, _) => new SharedGrainStorage(sp.GetRequiredService<Serializer>(), sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId));
    }
}

/// <summary>The FsmV2 log lines (event ids 90 and up) of every silo of the in-process clusters.</summary>
internal static class CapturedLog
{
    public static ILoggerProvider Provider { get; } = new CapturingProvider();

    public static ConcurrentQueue<(int EventId, string Message)> Lines { get; } = new();

    private sealed class CapturingProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing();

        public void Dispose()
        {
        }
    }

    private sealed class Capturing : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id is >= 90 and < 100)
            {
                Lines.Enqueue((eventId.Id, formatter(state, exception)));
            }
        }
    }
}
