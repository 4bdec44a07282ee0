using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.RegularExpressions;

namespace FsmV2.Cluster.Tests;

/// <summary>
/// Runs samples/Cluster as a user does (its executable, which starts its silo processes) at a quick size, each run on
/// ports free at the time, and reads what it prints.
/// </summary>
public sealed partial class ClusterSampleTests
{
    private const int Workers = 1_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(150); // the sample's whole run; about 50 s on a loaded 2-core machine

    private static string Sample => typeof(ClusterSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ClusterSample").Value!;

    [Fact]
    public async Task The_sample_moves_a_killed_silos_workers_to_the_survivors_and_leaves_no_process_behind()
    {
        (int silo, int gateway) = FreePorts();
        ProcessResult run = await ChildProcess.RunAsync(Sample, Repository.Root, Bound, TestContext.Current.CancellationToken,
            "--workers", $"{Workers}", "--silo-port", $"{silo}", "--gateway-port", $"{gateway}");
        TestContext.Current.TestOutputHelper?.WriteLine(run.Describe());
        Assert.True(run.ExitCode == 0, run.Describe());

        Dictionary<int, int> before = Distribution(run.StdOut, "before");
        Dictionary<int, int> after = Distribution(run.StdOut, "after");
        Assert.Equal([0, 1, 2], before.Keys.Order()); // every silo hosted workers
        Assert.Equal(Workers, before.Values.Sum());
        Assert.Equal([0, 1], after.Keys.Order()); // silo 2 was killed: only the survivors
        Assert.Equal(Workers, after.Values.Sum());
        Assert.Matches(EveryWorkerBack(), run.StdOut);
        Assert.DoesNotContain("check: before: every silo hosted workers: NO", run.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(": NO", run.StdOut, StringComparison.Ordinal);
        Assert.All(Pids(run.StdOut), pid => Assert.False(IsAlive(pid), $"silo process {pid} outlived the sample"));
    }

    [Fact]
    public async Task A_busy_port_is_named_and_no_silo_starts()
    {
        (int silo, int gateway) = FreePorts();
        using var holder = new TcpListener(IPAddress.Loopback, gateway + 1); // silo 1's gateway port
        holder.Start();
        ProcessResult run = await ChildProcess.RunAsync(Sample, Repository.Root, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken,
            "--workers", "10", "--silo-port", $"{silo}", "--gateway-port", $"{gateway}");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"port {gateway + 1} (silo 1's gateway port) on 127.0.0.1 is busy", run.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("pid", run.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("KILL")] // the launcher runs none of its code: each silo sees its standard input close
    [InlineData("TERM")] // the launcher kills its silos on the way out
    public async Task Killing_the_launcher_ends_every_silo_process(string signal)
    {
        (int silo, int gateway) = FreePorts();
        var info = new ProcessStartInfo(Sample) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repository.Root };
        foreach (string a in new[] { "--workers", "10", "--silo-port", $"{silo}", "--gateway-port", $"{gateway}" })
        {
            info.ArgumentList.Add(a);
        }

        using var launcher = Process.Start(info)!;
        var lines = new List<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        launcher.OutputDataReceived += (_, e) =>
        {
            lock (lines)
            {
                lines.Add(e.Data ?? "");
            }

            if (e.Data?.Contains("silos ready", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        launcher.BeginOutputReadLine();
        launcher.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        }
        finally
        {
            using (Process kill = Process.Start("kill", ["-" + signal, $"{launcher.Id}"]))
            {
                await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            await launcher.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        int[] silos;
        lock (lines)
        {
            silos = Pids(string.Join('\n', lines));
        }

        Assert.Equal(3, silos.Length);
        // Each silo sees its standard input close and exits; polled with a deadline (there is no event for another process's exit).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (silos.Any(IsAlive) && !deadline.IsCancellationRequested)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.All(silos, pid => Assert.False(IsAlive(pid), $"silo process {pid} outlived its launcher (SIG{signal}) by 30 s"));
    }

    /// <summary>"silo N ... M workers" lines of the distribution block <paramref name="when"/>.</summary>
    private static Dictionary<int, int> Distribution(string output, string when)
    {
        string block = output[(output.IndexOf($"distribution {when}", StringComparison.Ordinal) + 1)..];
        block = block[..block.IndexOf("  total", StringComparison.Ordinal)];
        return SiloLine().Matches(block).ToDictionary(m => int.Parse(m.Groups[1].Value), m => int.Parse(m.Groups[2].Value.Replace(",", "")));
    }

    private static int[] Pids(string output) => [.. PidLine().Matches(output).Select(m => int.Parse(m.Groups[1].Value))];

    // Gone, or exited and not yet reaped by whoever adopted it.
    private static bool IsAlive(int pid)
    {
        string stat = $"/proc/{pid}/stat";
        if (OperatingSystem.IsLinux())
        {
            try
            {
                string text = File.ReadAllText(stat);
                return text[(text.LastIndexOf(')') + 2)] != 'Z';
            }
            catch (IOException)
            {
                return false;
            }
        }

        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A silo port and a gateway port, each with the next two free now (silo N uses the port plus N).</summary>
    private static (int Silo, int Gateway) FreePorts()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int silo = Random.Shared.Next(20_000, 29_000);
            int gateway = Random.Shared.Next(40_000, 49_000);
            if (Enumerable.Range(0, 3).All(n => Free(silo + n) && Free(gateway + n)))
            {
                return (silo, gateway);
            }
        }

        throw new InvalidOperationException("No free ports found.");
    }

    private static bool Free(int port)
    {
        var probe = new TcpListener(IPAddress.Loopback, port);
        try
        {
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            probe.Stop();
        }
    }

    [GeneratedRegex(@"^  silo (\d) +\S+ +([\d,]+) workers", RegexOptions.Multiline)]
    private static partial Regex SiloLine();

    [GeneratedRegex(@"^silo \d(?: \(primary\))?: pid (\d+),", RegexOptions.Multiline)]
    private static partial Regex PidLine();

    [GeneratedRegex(@"every worker active again \d+\.\d s after the kill")]
    private static partial Regex EveryWorkerBack();
}
