using System.Globalization;
using System.Text;
using FsmV2;
using FsmV2.Sqlite;
using FsmV2.Sqlite.CrashApp;

// Usage: FsmV2.Sqlite.CrashApp <db> <workers> <trace>. Prints what it resumed, READY once every worker is written,
// then ticks every 20 ms until it is killed. After every tick it appends one line to <trace> (flushed to the kernel,
// so a SIGKILL keeps it): the wall-clock time in Unix milliseconds, when the store's last successful write began
// (0 before the first), and each worker's position in its cycle (restarts × 4 + the state's number), then prints a
// TICK line.
string path = args[0];
int workers = int.Parse(args[1], CultureInfo.InvariantCulture);
string tracePath = args[2];
using SqliteWorkerStore store = SqliteWorkerStore.Open(path, new SqliteStoreOptions { FlushInterval = TimeSpan.FromMilliseconds(CycleWorker.FlushMs) });
var supervisor = new Supervisor(new SupervisorOptions { TickInterval = TimeSpan.FromMilliseconds(20), CollectInterval = TimeSpan.FromMilliseconds(500) }, store: store);
var records = new IWorkerRecord[workers];
for (int i = 0; i < workers; i++)
{
    supervisor.AddWorker($"w-{i:D4}", new CycleWorker(), new CycleSpec());
    store.TryGet($"w-{i:D4}", out records[i]!);
}

IReadOnlyList<WorkerStatus> resumed = supervisor.GetStatus();
Console.WriteLine($"RESUMED restarts={resumed.Sum(s => s.RestartCount)} states={string.Join(',', resumed.GroupBy(s => s.State).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}"))} unclaimed={store.Unclaimed.Count}");
if (!store.Flush())
{
    Console.WriteLine($"FLUSH FAILED {store.LastError}");
    return 1;
}

using var trace = new FileStream(tracePath, FileMode.Create, FileAccess.Write, FileShare.Read);
var line = new StringBuilder();
Trace();
Console.WriteLine("READY");
using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
while (await timer.WaitForNextTickAsync())
{
    supervisor.Tick();
    Trace();
    Console.WriteLine($"TICK {supervisor.TickCount}");
}

return 0;

// One line of the trace: when, and where every worker is (a worker moves at most one position per tick).
void Trace()
{
    line.Clear().Append(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).Append(' ').Append(store.Status.LastWriteAt?.ToUnixTimeMilliseconds() ?? 0);
    foreach (IWorkerRecord record in records)
    {
        line.Append(' ').Append(CycleWorker.Position(record.StateName, record.RestartCount));
    }

    byte[] bytes = Encoding.ASCII.GetBytes(line.Append('\n').ToString());
    trace.Write(bytes);
    trace.Flush(); // into the kernel's page cache: a killed process's writes are kept
}
