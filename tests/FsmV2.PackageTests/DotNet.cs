using System.Diagnostics;

namespace FsmV2.PackageTests;

/// <summary>Runs the .NET CLI, or a shell script of CLI commands, as a child process, the way a user would from a shell.</summary>
internal static class DotNet
{
    /// <summary>Generous: restores may go to nuget.org and the machine may be busy.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    public static Task<ProcessResult> RunAsync(string workingDirectory, CancellationToken ct, params string[] args) =>
        ChildProcess.RunAsync(StartInfo("dotnet", workingDirectory, args, environment: null), Timeout, ct);

    /// <summary>Runs <paramref name="script"/> with <c>bash -euo pipefail</c>: the first failing command fails it.</summary>
    public static Task<ProcessResult> BashAsync(string workingDirectory, string script, IReadOnlyDictionary<string, string> environment, CancellationToken ct) =>
        ChildProcess.RunAsync(StartInfo("bash", workingDirectory, ["-euo", "pipefail", "-c", script], environment), Timeout, ct);

    private static ProcessStartInfo StartInfo(string program, string workingDirectory, string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory };
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
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }
}
