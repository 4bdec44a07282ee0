using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace FsmV2.Sqlite.Tests;

/// <summary>
/// A real process, a real SIGKILL: FsmV2.Sqlite.CrashApp runs 1,000 workers that transition every tick on a SQLite
/// file (and restart themselves every fourth); it is killed after a random number of ticks, 20 times in a row on
/// the same file. After each kill the file is intact, every worker has its row, and the next run resumes exactly
/// what the file holds: the same states and restart counts.
/// </summary>
public partial class CrashTests
{
    private const int Workers = 1_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"RESUMED restarts=(\d+) states=(\S*) unclaimed=(\d+)")]
    private static partial Regex Resumed();

    [Fact]
    public async Task Twenty_kills_at_random_moments_leave_an_intact_file_that_resumes_every_worker_with_its_state_and_restart_count()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGKILL is a POSIX signal.");
        using var rig = new Rig();
        var random = new Random(14);
        (long Restarts, string States)? persisted = null;
        for (int run = 0; run < 20; run++)
        {
            string output = await RunAndKill(rig.FilePath, killAfterTicks: random.Next(3, 40));
            Match resumed = Resumed().Match(output);
            Assert.True(resumed.Success, output);
            Assert.Equal("0", resumed.Groups[3].Value);
            if (persisted is { } before)
            {
                Assert.Equal(before.Restarts.ToString(System.Globalization.CultureInfo.InvariantCulture), resumed.Groups[1].Value);
                Assert.Equal(before.States, resumed.Groups[2].Value);
            }

            Assert.Equal("ok", Sql.Scalar(rig.FilePath, "PRAGMA integrity_check"));
            Assert.Equal((long)Workers, Sql.Scalar(rig.FilePath, "SELECT COUNT(*) FROM workers"));
            persisted = ((long)Sql.Scalar(rig.FilePath, "SELECT SUM(restart_count) FROM workers")!,
                (string)Sql.Scalar(rig.FilePath, "SELECT group_concat(state || '=' || n, ',') FROM (SELECT state, COUNT(*) AS n FROM workers GROUP BY state ORDER BY state)")!);
        }

        Assert.True(persisted!.Value.Restarts > 0, "the workers restarted themselves while running");
    }

    private static async Task<string> RunAndKill(string path, int killAfterTicks)
    {
        string app = Path.Combine(AppContext.BaseDirectory, "FsmV2.Sqlite.CrashApp.dll");
        Assert.True(File.Exists(app), $"{app} is missing: the test project references FsmV2.Sqlite.CrashApp, which copies it here.");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(app);
        info.ArgumentList.Add(path);
        info.ArgumentList.Add(Workers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var output = new StringBuilder();
        var due = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool ready = false;
        int ticks = 0;
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            ready |= line == "READY";
            if (ready && line.StartsWith("TICK ", StringComparison.Ordinal) && Interlocked.Increment(ref ticks) == killAfterTicks)
            {
                due.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Task.WhenAny(due.Task, process.WaitForExitAsync(Ct)).WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.True(due.Task.IsCompleted, $"The app did not tick {killAfterTicks} times:\n{output}");
            process.Kill(); // on Unix: SIGKILL, no handler runs, nothing is flushed
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        await process.WaitForExitAsync(Ct);
        lock (output)
        {
            return output.ToString();
        }
    }
}
