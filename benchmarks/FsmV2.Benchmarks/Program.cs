using BenchmarkDotNet.Running;

namespace FsmV2.Benchmarks;

/// <summary>
/// Entry point: pass BenchmarkDotNet arguments, for example <c>--filter '*' --job short</c>; or <c>tick-rate</c>
/// (optionally followed by the seconds to measure each run) for <see cref="TickRateHarness"/>; or <c>scale</c> (optionally followed by sizes, and <c>tree</c>) for
/// <see cref="ScaleHarness"/>; or <c>recorder-ab</c> (optionally followed by the rounds) for <see cref="RecorderAbHarness"/>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["tick-rate", .. string[] rest])
        {
            return TickRateHarness.Run(rest);
        }

        if (args is ["recorder-ab", .. string[] rounds])
        {
            return RecorderAbHarness.Run(rounds);
        }

        if (args is ["scale", .. string[] sizes])
        {
            return ScaleHarness.Run(sizes);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
