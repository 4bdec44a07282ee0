using System.Diagnostics;
using System.Text;

namespace FsmV2.PackageTests;

/// <summary>The result of one <c>dotnet</c> child process.</summary>
internal sealed record DotNetResult(string Command, int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    /// <summary>Everything the process printed, for assertion messages.</summary>
    public string Describe() =>
        $"`{Command}` exited with {ExitCode} after {Elapsed.TotalSeconds:F1} s.{Environment.NewLine}"
        + $"--- stdout ---{Environment.NewLine}{StdOut}{Environment.NewLine}--- stderr ---{Environment.NewLine}{StdErr}";
}

/// <summary>Runs the .NET CLI as a child process, the way a user would from a shell.</summary>
internal static class DotNet
{
    /// <summary>Generous: restores may go to nuget.org and the machine may be busy.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<DotNetResult> RunAsync(string workingDirectory, CancellationToken ct, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Build properties that the test host's own environment may carry must not reach the child build.
        foreach (string key in info.Environment.Keys.ToArray())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(key);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No build servers or reused nodes: nothing may outlive the child and hold its output pipes open.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";

        string command = "dotnet " + string.Join(' ', args);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start `{command}`.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Timeout);
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
                new DotNetResult(command, -1, output, errors, clock.Elapsed).Describe().Replace(
                    "exited with -1", $"did not finish within {Timeout.TotalMinutes:F0} min (or the test was cancelled) and was killed", StringComparison.Ordinal));
        }

        return new DotNetResult(command, process.ExitCode, await stdout, await stderr, clock.Elapsed);
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
