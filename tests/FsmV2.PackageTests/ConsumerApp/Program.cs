using FsmV2;
using FsmV2.Tests.Workers; // the test kit's PumpWorker.cs, copied in beside this file

// A user's program: supervise one pump in real time until it runs, then shut down gracefully.
var options = new SupervisorOptions
{
    TickInterval = TimeSpan.FromMilliseconds(20),
    CollectInterval = TimeSpan.FromMilliseconds(50),
    StaleAfter = TimeSpan.FromSeconds(1),
    ShutdownTimeout = TimeSpan.FromSeconds(1),
};

await using var supervisor = new Supervisor(options);
WorkerHandle<PumpConfig, PumpStatus> handle = supervisor.AddWorker("pump-1", new PumpWorker(), new PumpConfig(Run: true));

using var stop = new CancellationTokenSource();
Task running = supervisor.RunAsync(stop.Token);

// At most 2.5 s of real time.
string state = handle.Status.State;
for (int i = 0; i < 125 && state != "Running"; i++)
{
    await Task.Delay(TimeSpan.FromMilliseconds(20));
    state = handle.Status.State;
}

Console.WriteLine(PumpWorker.ToMermaid());
Console.WriteLine($"RESULT state={state}");

await supervisor.ShutdownAsync();
await stop.CancelAsync();
await running;
Console.WriteLine($"SHUTDOWN removed={handle.IsRemoved} workers={supervisor.Count}");

string hosted = await HostedPump.RunAsync();
Console.WriteLine($"HOSTED state={hosted}");

return state == "Running" && handle.IsRemoved && hosted == "Running" ? 0 : 1;
