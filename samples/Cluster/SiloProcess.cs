using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClusterSample;

/// <summary>
/// A silo child process: this executable started again with <c>silo N</c>. Its standard input stays open for as long as
/// the launcher lives (the silo exits when it closes); its log lines (standard error) are kept, the last ones shown if
/// it fails, all of them echoed with <c>--verbose</c>.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(int number, Process process)
    {
        Number = number;
        _process = process;
    }

    public int Number { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts silo <paramref name="n"/>; <paramref name="echo"/> receives its log lines when not null.</summary>
    public static SiloProcess Start(int n, SampleOptions o, string database, TextWriter? echo)
    {
        var start = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this executable is unknown."),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(SiloProcess).Assembly.Location); // started as `dotnet Cluster.dll`
        }

        foreach (string a in o.SiloArguments(n, database))
        {
            start.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(n, process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "READY")
            {
                silo._ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => silo.Log(e.Data, echo);
        process.Exited += (_, _) => silo._ready.TrySetException(new InvalidOperationException($"silo {n} exited (code {process.ExitCode}) before it was ready.{silo.Tail()}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Completes when the silo joined the cluster; fails if it exits first or takes longer than <paramref name="timeout"/>.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await _ready.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"silo {Number} was not ready after {timeout.TotalSeconds:0} s.{Tail()}");
        }
    }

    /// <summary>Kills the process at once (SIGKILL on Linux): a crash, not a shutdown.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>The silo's last log lines, for an error message.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return _tail.Count == 0 ? "" : $"{Environment.NewLine}  last log lines of silo {Number}:{Environment.NewLine}    " + string.Join($"{Environment.NewLine}    ", _tail);
        }
    }

    private void Log(string? line, TextWriter? echo)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 20)
            {
                _tail.Dequeue();
            }
        }

        echo?.WriteLine($"  [silo {Number}] {line}");
    }

    /// <summary>The first port of <paramref name="ports"/> that another program listens on, with its role; else null.</summary>
    public static (int Port, string Role)? FindBusy(IEnumerable<(int Port, string Role)> ports)
    {
        foreach ((int port, string role) in ports)
        {
            var probe = new TcpListener(IPAddress.Loopback, port);
            try
            {
                probe.Start();
            }
            catch (SocketException)
            {
                return (port, role);
            }
            finally
            {
                probe.Stop();
            }
        }

        return null;
    }
}
