using System.Diagnostics;
using System.Globalization;
using FsmV2.Benchmarks.Workers;
using FsmV2.TestKit;

namespace FsmV2.Benchmarks;

/// <summary>
/// The <c>Recorder</c> category of <see cref="ObservabilityBenchmarks"/> as an in-process A/B: two supervisors of
/// 1,000 <see cref="BlinkWorker"/>s (100 transitions per tick), the flight recorder off in one and on (default
/// capacity) in the other, ticked in alternating rounds (the order flips each round) so both see the same load.
/// Reports the median of the per-round ratios on/off and its interquartile range, and the bytes allocated per tick.
/// </summary>
public static class RecorderAbHarness
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        bool steady = args.Contains("steady"); // a phase no worker's slot matches (-1): every decision is a coalesced stay
        s_step = steady ? 0 : 1;
        bool same = args.Contains("aa"); // both off: what the harness itself reports for two equal supervisors
        bool swapped = args.Contains("swap"); // create the recording supervisor first
        const int TicksPerRound = 200;
        var offPhase = new BlinkPhase { Value = steady ? -1 : 0 };
        var onPhase = new BlinkPhase { Value = steady ? -1 : 0 };
        int onCapacity = same ? 0 : new FlightRecorderOptions().Capacity;
        Supervisor on = swapped ? Create(onPhase, onCapacity) : null!;
        Supervisor off = Create(offPhase, capacity: 0);
        on ??= Create(onPhase, onCapacity);
        if (args.Contains("solo-on") || args.Contains("solo-off"))
        {
            // One supervisor only, for a profiler: ticks for about the given number of rounds' worth of time.
            (Supervisor solo, BlinkPhase soloPhase) = args.Contains("solo-on") ? (on, onPhase) : (off, offPhase);
            double seconds = Measure(solo, soloPhase, rounds * TicksPerRound);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"solo {(args.Contains("solo-on") ? "on" : "off")}: {seconds / (rounds * TicksPerRound) * 1e6:0.0} us/tick"));
            return 0;
        }

        Measure(off, offPhase, 2_000); // warm-up and tiering
        Measure(on, onPhase, 2_000);
        var ratios = new List<double>(rounds);
        double offTotal = 0, onTotal = 0;
        long allocated = 0;
        for (int r = 0; r < rounds; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            double a, b;
            if (r % 2 == 0)
            {
                a = Measure(off, offPhase, TicksPerRound);
                b = Measure(on, onPhase, TicksPerRound);
            }
            else
            {
                b = Measure(on, onPhase, TicksPerRound);
                a = Measure(off, offPhase, TicksPerRound);
            }

            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            ratios.Add(b / a);
            offTotal += a;
            onTotal += b;
        }

        ratios.Sort();
        double Quantile(double q) => ratios[(int)Math.Round(q * (ratios.Count - 1))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"recorder A/B{(steady ? " (steady: stays only)" : "")}{(same ? " (A/A: both off)" : "")}{(swapped ? " (on created first)" : "")}, {rounds} rounds x {TicksPerRound} ticks: off {offTotal / rounds / TicksPerRound * 1e6:0.0} us/tick, on {onTotal / rounds / TicksPerRound * 1e6:0.0} us/tick"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"on/off per round: median {Quantile(0.5):0.000}x, IQR {Quantile(0.25):0.000}-{Quantile(0.75):0.000}x, ratio of means {onTotal / offTotal:0.000}x; {allocated / (2.0 * rounds * TicksPerRound):0.0} B allocated per tick"));
        off.DisposeAsync().AsTask().GetAwaiter().GetResult();
        on.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }

    private static int s_step = 1;

    private static double Measure(Supervisor supervisor, BlinkPhase phase, int ticks)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < ticks; i++)
        {
            phase.Value += s_step;
            supervisor.Tick();
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static Supervisor Create(BlinkPhase phase, int capacity)
    {
        var options = new SupervisorOptions();
        options.Recorder.Capacity = capacity;
        var supervisor = new Supervisor(options, TestClock.Clock());
        for (int i = 0; i < ObservabilityBenchmarks.WorkerCount; i++)
        {
            supervisor.AddWorker($"blink-{i}", new BlinkWorker(phase), new BlinkConfig(i % 10));
        }

        return supervisor;
    }
}
