using System.Globalization;
using FsmV2.ClusterBenchmarks;

// dotnet run -c Release --project benchmarks/FsmV2.ClusterBenchmarks -- [tick|failover|all] [--workers N] [--seconds S] [--tick-ms T] [--failover-workers N]
string part = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
int Arg(string name, int fallback) =>
    Array.IndexOf(args, name) is var i && i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

var harness = new ClusterHarness(
    workers: Arg("--workers", 1_000),
    window: TimeSpan.FromSeconds(Arg("--seconds", 10)),
    tick: TimeSpan.FromMilliseconds(Arg("--tick-ms", 100)),
    failoverWorkers: Arg("--failover-workers", 10_000),
    output: Console.Out);
Console.WriteLine($"FsmV2 cluster harness, {Environment.ProcessorCount} cores, load {Load()}");
if (part is "tick" or "all")
{
    await harness.TickCostAsync();
}

if (part is "failover" or "all")
{
    await harness.FailoverAsync();
}

Console.WriteLine($"load at the end {Load()}");
return 0;

static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
