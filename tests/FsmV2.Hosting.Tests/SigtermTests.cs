using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using FsmV2.Hosting.SigtermApp;

namespace FsmV2.Hosting.Tests;

/// <summary>
/// A real process, a real SIGTERM: FsmV2.Hosting.SigtermApp (a Generic Host with a 2 s shutdown timeout and one
/// worker whose 120 s action ignores cancellation) must exit with code 0 within the host's shutdown timeout,
/// logging the action it abandoned, instead of waiting out the action.
/// </summary>
public class SigtermTests
{
    private const int SIGTERM = 15;

    /// <summary>A failure bound, far below the action's 120 s and far above the app's 2 s shutdown timeout; not a measurement.</summary>
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("delay")] // awaits a delay without its token
    [InlineData("sleep")] // blocks its thread
    public async Task A_SIGTERM_ends_the_process_within_the_hosts_shutdown_timeout_though_the_action_ignores_cancellation(string mode)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal.");
        string app = Path.Combine(AppContext.BaseDirectory, "FsmV2.Hosting.SigtermApp.dll");
        Assert.True(File.Exists(app), $"{app} is missing: the test project references FsmV2.Hosting.SigtermApp, which copies it here.");

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(app);
        info.ArgumentList.Add(mode);
        var output = new StringBuilder();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Task.WhenAny(started.Task, process.WaitForExitAsync(Ct)).WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.True(started.Task.IsCompleted, $"The app did not start its action:\n{Text()}");

            Assert.Equal(0, Kill(process.Id, SIGTERM));
            Task exited = process.WaitForExitAsync(Ct);
            await Task.WhenAny(exited, Task.Delay(ExitBound, Ct));
            Assert.True(exited.IsCompleted, $"The app was still running {ExitBound.TotalSeconds} s after SIGTERM:\n{Text()}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        await process.WaitForExitAsync(Ct); // the redirected output is read to its end
        string text = Text();
        Assert.True(process.ExitCode == 0, $"Exit code {process.ExitCode}:\n{text}");
        Assert.Contains("Shutdown cancelled by its caller with 1 worker(s) not yet removable; stopping them anyway: stuck", text, StringComparison.Ordinal);
        Assert.Contains("abandoned without waiting for their actions to return (in flight when stopped): stuck (action Hang)", text, StringComparison.Ordinal);
        Assert.Contains("FsmV2 supervisor stopped; 0 worker(s) left", text, StringComparison.Ordinal);
        Assert.Contains(OutputLines.Stopped, text, StringComparison.Ordinal);

        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.Contains(OutputLines.Started, StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        }

        string Text()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
