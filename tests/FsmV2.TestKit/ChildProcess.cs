using System.Diagnostics;
using System.Text;

namespace FsmV2.TestKit;

/// <summary>The result of one child process.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    /// <summary>Everything the process printed, for assertion messages.</summary>
    public string Describe() =>
        $"`{Command}` exited with {ExitCode} after {Elapsed.TotalSeconds:F1} s.{Environment.NewLine}"
        + $"--- stdout ---{Environment.NewLine}{StdOut}{Environment.NewLine}--- stderr ---{Environment.NewLine}{StdErr}";
}

/// <summary>Runs a program as a child process with its output captured, bounded in time.</summary>
public static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="info"/> (its output is redirected here) and waits for it to exit. When
    /// <paramref name="timeout"/> passes or <paramref name="ct"/> is cancelled first, the process tree is killed and a
    /// <see cref="TimeoutException"/> carries what it printed so far.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(ProcessStartInfo info, TimeSpan timeout, CancellationToken ct)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.StandardOutputEncoding = Encoding.UTF8;
        info.StandardErrorEncoding = Encoding.UTF8;

        string command = string.Join(' ', info.ArgumentList.Prepend(info.FileName));
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start `{command}`.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            await Task.WhenAll(stdout, stderr).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            string output = await Partial(stdout);
            string errors = await Partial(stderr);
            throw new TimeoutException(
                new ProcessResult(command, -1, output, errors, clock.Elapsed).Describe().Replace(
                    "exited with -1", $"did not finish within {timeout.TotalSeconds:F0} s (or the test was cancelled) and was killed", StringComparison.Ordinal));
        }

        return new ProcessResult(command, process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }

    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static Task<ProcessResult> RunAsync(string program, string workingDirectory, TimeSpan timeout, CancellationToken ct, params string[] args)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return RunAsync(info, timeout, ct);
    }

    private static async Task<string> Partial(Task<string> read)
    {
        try
        {
            return await read.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is TimeoutException or IOException or ObjectDisposedException)
        {
            return $"(output unavailable: {e.GetType().Name})";
        }
    }
}
