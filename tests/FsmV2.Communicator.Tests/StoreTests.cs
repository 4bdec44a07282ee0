using System.Diagnostics;
using System.Text.Json;
using Communicator;
using Communicator.Backend;
using Communicator.Scenario;
using FsmV2.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace FsmV2.Communicator.Tests;

/// <summary>
/// <c>--store FILE</c>: the sample's host keeps its supervisor's workers in a SQLite file. Stopped in the middle of an
/// outage and started again on the file, the communicator resumes in Degraded and its failure streak goes on.
/// </summary>
public class StoreTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Stopped_mid_outage_and_started_again_on_its_store_the_communicator_resumes_in_Degraded_with_its_failure_streak()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string directory = Directory.CreateTempSubdirectory("fsmv2-communicator-").FullName;
        string file = Path.Combine(directory, "communicator.db");
        try
        {
            await using DemoBackend backend = await DemoBackend.StartAsync(ct: ct);
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var spec = new CommunicatorSpec
            {
                Backend = backend.Address,
                ApiKey = backend.ApiKey,
                RequestTimeout = TimeSpan.FromSeconds(1),
                PollInterval = TimeSpan.FromMilliseconds(200),
                BackoffBase = TimeSpan.FromMilliseconds(50),
                BackoffCap = TimeSpan.FromSeconds(5), // doubling from 50 ms: a wait of 800 ms by the fifth failure
                TokenRefreshMargin = TimeSpan.FromMilliseconds(500),
            };
            backend.Faults.Mode = FaultKind.Down; // the outage, from the start

            await using (WebApplication first = Build(spec, http, new FakeLogCollector(), file))
            {
                await first.StartAsync(ct);
                // In Degraded with half a second or more before its next attempt (which leaves Degraded for
                // Authenticating): the stop below begins well inside that wait, however loaded the machine.
                await WaitUntil(
                    () => Status(first) == "Degraded" && Observed(first) is { FailureStreak: >= 3 } o && o.RetryAt - DateTimeOffset.UtcNow >= TimeSpan.FromMilliseconds(500),
                    "three failures in Degraded, the next attempt 500 ms away or more");
                await first.StopAsync(ct); // mid-outage: the store keeps the records as they were when the shutdown began
            }

            Assert.Equal("Degraded", Row(file, "state"));
            int streak = JsonDocument.Parse(Row(file, "observed_json")).RootElement.GetProperty("FailureStreak").GetInt32();
            Assert.True(streak >= 3, $"persisted streak {streak}");
            Assert.Contains("\"ApiKey\":\"***\"", Row(file, "desired_json"), StringComparison.Ordinal); // the key stays out of the file

            var logs = new FakeLogCollector();
            await using WebApplication second = Build(spec, http, logs, file);
            await second.StartAsync(ct);
            Assert.Contains(logs.GetSnapshot(), r => r.Message == "Worker communicator (CommunicatorWorker) added in state Degraded");
            await WaitUntil(() => Observed(second)?.FailureReason.Contains($"failure {streak + 1} in a row", StringComparison.Ordinal) == true, $"failure {streak + 1} in a row");

            backend.Faults.Clear(); // the outage ends: it recovers as usual
            await WaitUntil(() => Status(second) == "Syncing", "Syncing");
            await second.StopAsync(ct);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static WebApplication Build(CommunicatorSpec spec, HttpClient http, FakeLogCollector logs, string store) =>
        CommunicatorHost.Build(
            spec,
            http,
            new FakeLoggerProvider(logs),
            o =>
            {
                o.TickInterval = TimeSpan.FromMilliseconds(20);
                o.CollectInterval = TimeSpan.FromMilliseconds(50);
                o.CollectTimeout = TimeSpan.FromSeconds(1);
                o.StaleAfter = TimeSpan.FromSeconds(2);
                o.ShutdownTimeout = TimeSpan.FromSeconds(5);
            },
            TimeSpan.FromSeconds(10),
            store: store);

    private static string? Status(WebApplication host) => host.Services.GetRequiredService<Supervisor>().GetStatus(CommunicatorHost.WorkerId)?.State;

    private static CommunicatorObservation? Observed(WebApplication host) =>
        host.Services.GetRequiredService<Supervisor>().Store.Get<CommunicatorSpec, CommunicatorObservation>(CommunicatorHost.WorkerId)?.Observation is { HasValue: true } o ? o.Value : null;

    private static string Row(string file, string column)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using SqliteCommand read = connection.CreateCommand();
        read.CommandText = $"SELECT {column} FROM workers WHERE id = '{CommunicatorHost.WorkerId}'";
        return (string)read.ExecuteScalar()!;
    }

    // Bounded: fails instead of hanging; the host runs on the real clock.
    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!condition())
        {
            Assert.True(watch.Elapsed < Bound, $"not {what} within {Bound.TotalSeconds} s");
            await poll.WaitForNextTickAsync(TestContext.Current.CancellationToken);
        }
    }
}
