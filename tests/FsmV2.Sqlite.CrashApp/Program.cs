using FsmV2;
using FsmV2.Sqlite;
using FsmV2.Sqlite.CrashApp;

// Usage: FsmV2.Sqlite.CrashApp <db> <workers>. Prints what it resumed, READY once every worker is written, then a
// TICK line per tick until it is killed.
string path = args[0];
int workers = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
using SqliteWorkerStore store = SqliteWorkerStore.Open(path, new SqliteStoreOptions { FlushInterval = TimeSpan.FromMilliseconds(200) });
var supervisor = new Supervisor(new SupervisorOptions { TickInterval = TimeSpan.FromMilliseconds(20), CollectInterval = TimeSpan.FromMilliseconds(10) }, store: store);
for (int i = 0; i < workers; i++)
{
    supervisor.AddWorker($"w-{i:D4}", new CycleWorker(), new CycleSpec());
}

IReadOnlyList<WorkerStatus> resumed = supervisor.GetStatus();
Console.WriteLine($"RESUMED restarts={resumed.Sum(s => s.RestartCount)} states={string.Join(',', resumed.GroupBy(s => s.State).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}"))} unclaimed={store.Unclaimed.Count}");
if (!store.Flush())
{
    Console.WriteLine($"FLUSH FAILED {store.LastError}");
    return 1;
}

Console.WriteLine("READY");
using var cts = new CancellationTokenSource();
Task run = supervisor.RunAsync(cts.Token);
long printed = 0;
while (!run.IsCompleted)
{
    long ticks = supervisor.TickCount;
    if (ticks != printed)
    {
        printed = ticks;
        Console.WriteLine($"TICK {ticks}");
    }

    await Task.Delay(5);
}

return 0;
