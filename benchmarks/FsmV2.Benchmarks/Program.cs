using BenchmarkDotNet.Running;

namespace FsmV2.Benchmarks;

/// <summary>Entry point: pass BenchmarkDotNet arguments, for example <c>--filter '*' --job short</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
