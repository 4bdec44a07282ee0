using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FsmV2.Sqlite.CrashApp;

namespace FsmV2.Sqlite.Tests;

/// <summary>
/// A real process, a real SIGKILL: FsmV2.Sqlite.CrashApp runs 1,000 workers that move one state per tick through an
/// endless cycle on a SQLite file (restarting themselves every fourth state), and traces after every tick where each
/// worker is, with the time and when the store's last write began. It is killed after a random number of ticks, 20
/// times in a row on the same file. After each kill the file is intact, every worker has its row, each row holds a
/// state (and restart count) its worker held when the last write before the kill began (one flush window: the
/// interval plus one write) or later, and the next run resumes exactly what the file holds.
/// </summary>
public partial class CrashTests
{
    private const int Workers = 1_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"RESUMED restarts=(\d+) states=(\S*) unclaimed=(\d+)")]
    private static partial Regex Resumed();

    [Fact]
    public async Task Twenty_kills_at_random_moments_leave_an_intact_file_whose_every_worker_is_at_most_one_flush_window_behind_and_resumes_so()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGKILL is a POSIX signal.");
        using var rig = new Rig();
        var random = new Random(14);
        (long Restarts, string States)? persisted = null;
        long worstLagMs = 0;
        for (int run = 0; run < 20; run++)
        {
            string trace = Path.Combine(Path.GetDirectoryName(rig.FilePath)!, $"trace-{run}.txt");
            (string output, long killedAt) = await RunAndKill(rig.FilePath, trace, killAfterTicks: random.Next(3, 40));
            Match resumed = Resumed().Match(output);
            Assert.True(resumed.Success, output);
            Assert.Equal("0", resumed.Groups[3].Value);
            if (persisted is { } before)
            {
                Assert.Equal(before.Restarts.ToString(CultureInfo.InvariantCulture), resumed.Groups[1].Value);
                Assert.Equal(before.States, resumed.Groups[2].Value);
            }

            Assert.Equal("ok", Sql.Scalar(rig.FilePath, "PRAGMA integrity_check"));
            Assert.Equal((long)Workers, Sql.Scalar(rig.FilePath, "SELECT COUNT(*) FROM workers"));
            long window = AssertWithinOneWindow(rig.FilePath, trace, killedAt, run);
            TestContext.Current.TestOutputHelper?.WriteLine($"run {run}: the last write began {window} ms before the kill");
            worstLagMs = Math.Max(worstLagMs, window);
            persisted = ((long)Sql.Scalar(rig.FilePath, "SELECT SUM(restart_count) FROM workers")!,
                (string)Sql.Scalar(rig.FilePath, "SELECT group_concat(state || '=' || n, ',') FROM (SELECT state, COUNT(*) AS n FROM workers GROUP BY state ORDER BY state)")!);
        }

        Assert.True(persisted!.Value.Restarts > 0, "the workers restarted themselves while running");
        TestContext.Current.TestOutputHelper?.WriteLine($"longest crash window seen: {worstLagMs} ms (flush interval {CycleWorker.FlushMs} ms)");
    }

    /// <summary>
    /// Each worker's row is a position its worker held when the store's last write traced before the kill began, or a
    /// later one (that write committed every change made before it began), and never one it had not reached: at most
    /// one tick past the last trace line. Returns how long before the kill that write began: the crash window seen.
    /// </summary>
    private static long AssertWithinOneWindow(string path, string tracePath, long killedAt, int run)
    {
        List<TraceLine> trace = [.. File.ReadAllLines(tracePath).Select(TraceLine.Parse).OfType<TraceLine>()];
        Assert.NotEmpty(trace);
        long writeBegan = trace[^1].LastWriteAt;
        Assert.True(writeBegan > 0, $"run {run}: no write traced (READY follows one)");
        TraceLine atWrite = trace.LastOrDefault(t => t.At <= writeBegan) ?? trace[0];
        Dictionary<string, int> rows = Rows(path);
        for (int i = 0; i < Workers; i++)
        {
            int kept = rows[$"w-{i:D4}"];
            Assert.True(kept >= atWrite.Positions[i], $"run {run}: w-{i:D4} is persisted at {kept}, behind where it was ({atWrite.Positions[i]}) when the last write began, {killedAt - writeBegan} ms before the kill");
            Assert.True(kept <= trace[^1].Positions[i] + 1, $"run {run}: w-{i:D4} is persisted at {kept}, a position it never reached (last traced {trace[^1].Positions[i]})");
        }

        return killedAt - writeBegan;
    }

    /// <summary>One line of the app's trace: when, when the store's last successful write began, every worker's position.</summary>
    private sealed record TraceLine(long At, long LastWriteAt, int[] Positions)
    {
        public static TraceLine? Parse(string line)
        {
            string[] parts = line.Split(' ');
            return parts.Length != Workers + 2 ? null // the line the kill cut short
                : new(long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture),
                    [.. parts.Skip(2).Select(p => int.Parse(p, CultureInfo.InvariantCulture))]);
        }
    }

    private static Dictionary<string, int> Rows(string path)
    {
        using Microsoft.Data.Sqlite.SqliteConnection connection = Sql.Connect(path);
        using Microsoft.Data.Sqlite.SqliteCommand read = connection.CreateCommand();
        read.CommandText = "SELECT id, state, restart_count FROM workers";
        using Microsoft.Data.Sqlite.SqliteDataReader row = read.ExecuteReader();
        var rows = new Dictionary<string, int>(StringComparer.Ordinal);
        while (row.Read())
        {
            rows[row.GetString(0)] = CycleWorker.Position(row.GetString(1), row.GetInt32(2));
        }

        return rows;
    }

    private static async Task<(string Output, long KilledAt)> RunAndKill(string path, string trace, int killAfterTicks)
    {
        string app = Path.Combine(AppContext.BaseDirectory, "FsmV2.Sqlite.CrashApp.dll");
        Assert.True(File.Exists(app), $"{app} is missing: the test project references FsmV2.Sqlite.CrashApp, which copies it here.");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(app);
        info.ArgumentList.Add(path);
        info.ArgumentList.Add(Workers.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(trace);
        var output = new StringBuilder();
        var due = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool ready = false;
        int ticks = 0;
        long killedAt;
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
            killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(); // after the signal: a lag is measured long, never short
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
            return (output.ToString(), killedAt);
        }
    }
}
