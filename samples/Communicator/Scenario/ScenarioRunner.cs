using System.Diagnostics;
using System.Net.Http.Json;
using Communicator.Backend;
using FsmV2;
using FsmV2.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Communicator.Scenario;

/// <summary>
/// The scripted scenario: start, authenticate, sync both ways, a backend outage, a slow backend, rate limiting, a
/// token expiry, and a graceful shutdown that drains the outbound queue — with a live view, a summary and checks.
/// </summary>
internal sealed class ScenarioRunner
{
    private const string WorkerId = CommunicatorHost.WorkerId;

    private readonly ScenarioOptions _options;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ScenarioLog _log;
    private readonly double _scale;
    private readonly List<string> _written = [];
    private readonly List<long> _inboundSeqs = [];
    private readonly List<(string Step, double Seconds)> _timings = [];
    private readonly List<string> _failedChecks = [];
    private int _escalations;

    private DemoBackend? _backend;
    private CommunicatorWorker _worker = null!;
    private Supervisor _supervisor = null!;
    private string _lastView = string.Empty;

    public ScenarioRunner(ScenarioOptions options, TextWriter output)
    {
        _options = options;
        _scale = options.Quick ? 0.3 : 1.0;
        _log = new ScenarioLog(_clock, output);
    }

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        _backend = _options.Backend is null ? await DemoBackend.StartAsync(ct: cancel) : null;
        Uri backendUrl = _backend?.Address ?? _options.Backend!;
        string apiKey = _backend?.ApiKey ?? _options.ApiKey!;
        _log.Print($"backend: {backendUrl} ({(_backend is null ? "external" : "embedded, loopback")}); mode: {(_options.Forever ? "forever" : _options.Quick ? "quick" : "full")}");

        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2) }) { Timeout = Timeout.InfiniteTimeSpan };
        int threadsBeforeHost = Process.GetCurrentProcess().Threads.Count;

        var spec = new CommunicatorSpec
        {
            Backend = backendUrl,
            ApiKey = apiKey,
            RequestTimeout = TimeSpan.FromSeconds(_options.Quick ? 0.5 : 1.0),
            PollInterval = TimeSpan.FromMilliseconds(200),
            BackoffBase = S(0.25),
            BackoffCap = S(3),
            TokenRefreshMargin = TimeSpan.FromMilliseconds(500),
        };

        await using WebApplication host = CommunicatorHost.Build(
            spec,
            http,
            _log,
            o =>
            {
                o.TickInterval = TimeSpan.FromMilliseconds(50);
                o.CollectInterval = TimeSpan.FromMilliseconds(100);
                o.CollectTimeout = TimeSpan.FromSeconds(1);
                o.StaleAfter = TimeSpan.FromSeconds(2);
                o.ShutdownTimeout = S(8);
            },
            S(10),
            store: _options.Store);
        _worker = host.Services.GetRequiredService<CommunicatorWorker>();
        _supervisor = host.Services.GetRequiredService<Supervisor>();
        _supervisor.Escalated += (_, e) =>
        {
            // Where a host pages someone: the supervisor has given up retrying on its own.
            Interlocked.Increment(ref _escalations);
            _log.Print($"ESCALATED: {e.Name} ({e.Scope}) did not recover after {e.Attempts} attempts over {e.Downtime.TotalSeconds:0} s; runbook {e.RunbookSection}");
        };
        await host.StartAsync(cancel);
        if (_options.Store is { } store)
        {
            WorkerStatus resumed = _supervisor.GetStatus(WorkerId)!;
            _log.Print($"store: {Path.GetFullPath(store)}; {WorkerId} starts in {resumed.State}");
        }
        foreach (string line in CommunicatorHost.Describe(host))
        {
            _log.Print(line);
        }

        WorkerHandle<CommunicatorSpec, CommunicatorObservation> handle = host.Services.GetRequiredService<HostedWorkers>().Get<CommunicatorSpec, CommunicatorObservation>(WorkerId);

        using var traffic = new CancellationTokenSource();
        using var viewStop = new CancellationTokenSource();
        Task view = LiveViewAsync(viewStop.Token);
        using var consumerStop = new CancellationTokenSource();
        Task consumer = ConsumeAsync(consumerStop.Token);
        Task producer = Task.CompletedTask;
        Task publisher = Task.CompletedTask;
        int steadyThreads = 0;
        int steadyPoolThreads = 0;
        try
        {
            await StepAsync("start: authenticate and sync", async () => await WaitForStateAsync("Syncing", S(10), cancel));
            producer = ProduceAsync(traffic.Token);
            publisher = PublishAsync(traffic.Token);
            await StepAsync("traffic both ways", async () =>
            {
                await Task.Delay(S(6), cancel);
                steadyThreads = Process.GetCurrentProcess().Threads.Count;
                steadyPoolThreads = ThreadPool.ThreadCount;
            });

            do
            {
                await FaultStepAsync("outage: backend down (503)", FaultKind.Down, S(8), cancel);
                await FaultStepAsync("slow backend (answers after the client's timeout)", FaultKind.Slow, S(4), cancel);
                await FaultStepAsync("rate limited (429, Retry-After 1 s)", FaultKind.RateLimited, S(3), cancel);
                await StepAsync("token expiry (backend expires every token)", async () =>
                {
                    if (_backend is null)
                    {
                        _log.Print("  (skipped: needs the embedded backend)");
                        return;
                    }

                    int before = _worker.Stats.Authentications;
                    _backend.Tokens.ExpireAll();
                    await WaitUntilAsync(() => _worker.Stats.Authentications > before && handle.Status.State == "Syncing", S(10), "re-authenticated and syncing", cancel);
                });
                await StepAsync("traffic both ways", () => Task.Delay(S(4), cancel));
            }
            while (_options.Forever && !cancel.IsCancellationRequested);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            _log.Print("Ctrl+C: shutting down gracefully");
        }
        catch (TimeoutException ex)
        {
            _failedChecks.Add(ex.Message);
            _log.Print("  ! " + ex.Message);
        }

        // Graceful shutdown: stop the traffic, let the inbound side catch up, write a last burst and stop the host.
        double drainSeconds = 0;
        await StepAsync("graceful shutdown draining outbound", async () =>
        {
            await traffic.CancelAsync();
            await Task.WhenAll(producer, publisher);
            if (_backend is not null)
            {
                await IgnoreTimeoutAsync(WaitUntilAsync(() => _worker.Stats.Received >= _backend.Published, S(10), "inbound caught up", CancellationToken.None));
            }

            for (int i = 0; i < 25; i++)
            {
                Write($"final-{i + 1}");
            }

            _log.Print($"  wrote a final burst of 25; {_worker.Stats.Pending} pending; stopping the host");
            var drain = Stopwatch.StartNew();
            await host.StopAsync(CancellationToken.None);
            drainSeconds = drain.Elapsed.TotalSeconds;
        });

        await viewStop.CancelAsync();
        await consumerStop.CancelAsync();
        await Task.WhenAll(view, consumer);

        int result = Summarise(handle, threadsBeforeHost, steadyThreads, steadyPoolThreads, drainSeconds, apiKey);
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        return result;
    }

    private TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds * _scale);

    private async Task FaultStepAsync(string name, FaultKind fault, TimeSpan hold, CancellationToken cancel)
    {
        await StepAsync(name, async () =>
        {
            if (!await SetFaultAsync(fault, cancel))
            {
                _log.Print("  (skipped: the backend has no POST /faults)");
                return;
            }

            try
            {
                var held = Stopwatch.StartNew();
                await WaitForStateAsync("Degraded", S(10), cancel);
                TimeSpan rest = hold - held.Elapsed;
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, cancel);
                }
            }
            finally
            {
                await SetFaultAsync(FaultKind.None, CancellationToken.None);
            }

            var recovery = Stopwatch.StartNew();
            _log.Print("  fault cleared");
            await WaitForStateAsync("Syncing", S(15), cancel);
            _log.Print($"  recovered {recovery.Elapsed.TotalSeconds:0.00} s after the fault cleared");
        });
    }

    private async Task<bool> SetFaultAsync(FaultKind fault, CancellationToken cancel)
    {
        if (_backend is not null)
        {
            _backend.Faults.RetryAfter = TimeSpan.FromSeconds(1);
            _backend.Faults.SlowDelay = TimeSpan.FromSeconds(3);
            _backend.Faults.Mode = fault;
            return true;
        }

        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            using HttpResponseMessage response = await http.PostAsJsonAsync(new Uri(_options.Backend!, "faults"), new FaultRequest(fault.ToString(), 1, 3000), cancel);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task StepAsync(string name, Func<Task> body)
    {
        _log.Print($"== {name}");
        var watch = Stopwatch.StartNew();
        await body();
        _timings.Add((name, watch.Elapsed.TotalSeconds));
    }

    private Task WaitForStateAsync(string state, TimeSpan timeout, CancellationToken cancel) =>
        WaitUntilAsync(() => _supervisor.GetStatus(WorkerId)?.State == state, timeout, $"state {state}", cancel);

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancel)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.0} s waiting for {what}");
            }

            await Task.Delay(20, cancel);
        }
    }

    private static async Task IgnoreTimeoutAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (TimeoutException)
        {
            // Reported by the checks.
        }
    }

    private void Write(string payload)
    {
        lock (_written)
        {
            if (_worker.Outbound.TryWrite(Message.Outbound(payload)))
            {
                _written.Add(payload);
            }
        }
    }

    private async Task ProduceAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(S(0.1));
        int n = 0;
        while (await Tick(timer, ct))
        {
            Write($"client-{++n}");
        }
    }

    private async Task PublishAsync(CancellationToken ct)
    {
        if (_backend is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(S(0.15));
        int n = 0;
        while (await Tick(timer, ct))
        {
            _backend.Publish($"server-{++n}");
        }
    }

    private async Task ConsumeAsync(CancellationToken ct)
    {
        try
        {
            await foreach (Message message in _worker.Inbound.ReadAllAsync(ct))
            {
                Record(message);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped after the host: take what is left without waiting.
        }

        while (_worker.Inbound.TryRead(out Message? message))
        {
            Record(message);
        }
    }

    private void Record(Message message)
    {
        lock (_inboundSeqs)
        {
            _inboundSeqs.Add(message.Seq);
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task LiveViewAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.Quick ? 250 : 500));
        int quiet = 0;
        while (await Tick(timer, ct))
        {
            WorkerStatus? status = _supervisor.GetStatus(WorkerId);
            if (status is null)
            {
                continue;
            }

            CommunicatorStats stats = _worker.Stats;
            string line = $"{status.State,-14} sent {stats.Sent,4}  recv {stats.Received,4}  pending {stats.Pending,3}  retries {stats.Retries,3}  failures {stats.Failures,3} | {status.Reason}";
            if (line != _lastView || ++quiet >= 4)
            {
                quiet = 0;
                _lastView = line;
                _log.Print(line);
            }
        }
    }

    private int Summarise(WorkerHandle<CommunicatorSpec, CommunicatorObservation> handle, int threadsBeforeHost, int steadyThreads, int steadyPoolThreads, double drainSeconds, string apiKey)
    {
        CommunicatorStats stats = _worker.Stats;
        long[] inbound;
        lock (_inboundSeqs)
        {
            inbound = [.. _inboundSeqs];
        }

        string[] written;
        lock (_written)
        {
            written = [.. _written];
        }

        Console.WriteLine();
        Console.WriteLine("== summary");
        foreach ((string step, double seconds) in _timings)
        {
            Console.WriteLine($"  {seconds,6:0.00} s  {step}");
        }

        Console.WriteLine($"  total {_clock.Elapsed.TotalSeconds:0.00} s; graceful stop (host StopAsync) took {drainSeconds:0.00} s");
        Console.WriteLine();

        // Outbound: the backend stored 1..N once each, in order, with exactly the payloads the application wrote.
        Console.WriteLine($"  outbound: written {written.Length}, acknowledged {stats.Sent}, resent after failures {stats.Resent}, still pending {stats.Pending}");
        if (_backend is not null)
        {
            IReadOnlyList<Message> received = _backend.Received;
            bool inOrder = received.Select((m, i) => m.Seq == i + 1).All(x => x);
            bool samePayloads = received.Select(m => m.Payload).SequenceEqual(written);
            Console.WriteLine($"    backend stored {received.Count} (seq 1..{received.Count}: {(inOrder ? "contiguous, no duplicates" : "GAPS OR DUPLICATES")}), ignored {_backend.DuplicatesIgnored} resent duplicates; payloads match what was written: {Yes(samePayloads)}");
            Check(inOrder, "backend's sequence numbers are not 1..N");
            Check(samePayloads, "backend did not receive exactly the written messages, in order");
        }

        Check(stats.Sent == written.Length && stats.Pending == 0, $"not every written message was acknowledged ({stats.Sent} of {written.Length}, {stats.Pending} pending)");

        // Inbound: the application read 1..M once each, in order; M is everything the backend published.
        bool contiguous = inbound.Select((s, i) => s == i + 1).All(x => x);
        int distinct = inbound.Distinct().Count();
        Console.WriteLine($"  inbound: delivered {inbound.Length} (seq 1..{inbound.Length}: {(contiguous && distinct == inbound.Length ? "contiguous, no duplicates" : "GAPS OR DUPLICATES")}), duplicates dropped {stats.InboundDuplicatesDropped}{(_backend is null ? string.Empty : $", backend published {_backend.Published}")}");
        Check(contiguous && distinct == inbound.Length, "inbound sequence numbers are not 1..M without duplicates");
        if (_backend is not null)
        {
            Check(inbound.Length == _backend.Published, $"inbound incomplete: {inbound.Length} of {_backend.Published}");
        }

        Console.WriteLine($"  retries {stats.Retries}, failed requests {stats.Failures}, authentications {stats.Authentications}, entered Degraded {_log.Entered("Degraded")}x, Authenticating {_log.Entered("Authenticating")}x");
        if (_backend is not null && !_options.Forever)
        {
            Check(_log.Entered("Degraded") >= 3, "expected a Degraded episode per fault (3)");
            Check(stats.Authentications >= 2, "expected a re-authentication after the token expiry");
            Check(stats.Retries > 0, "expected retries");
        }

        Console.WriteLine($"  escalations to operators (Supervisor.Escalated): {Volatile.Read(ref _escalations)}");
        string final = handle.IsRemoved ? $"removed from {handle.Status.State} ({handle.Status.Reason})" : handle.Status.State;
        Console.WriteLine($"  final state: {final}; workers left: {_supervisor.Count}");
        Check(handle.IsRemoved && handle.Status.State == "Stopped" && _supervisor.Count == 0, "the worker did not stop gracefully (it was stopped at the shutdown deadline, or not at all)");

        // A key shorter than 8 characters would match ordinary text: it is not searched for (the tests use real keys).
        List<string> secrets = [.. new[] { apiKey }.Where(k => k.Length >= 8), .. _backend?.IssuedTokens ?? []];
        bool leaked = _log.Lines.Any(line => secrets.Any(s => line.Contains(s, StringComparison.Ordinal)));
        Console.WriteLine($"  secrets ({(apiKey.Length >= 8 ? "API key" : "API key too short to search for")}, {_backend?.IssuedTokens.Count ?? 0} tokens) in {_log.Lines.Count} log lines: {(leaked ? "LEAKED" : "none")}");
        Check(!leaked, "a secret appeared in the logs");

        string threads = steadyThreads == 0 ? "not measured (the traffic step was not reached)" : $"{steadyThreads} process threads at steady state";
        Console.WriteLine($"  footprint: {threads} ({threadsBeforeHost} before the supervisor started{(_backend is null ? string.Empty : ", with the embedded backend")}; thread pool {steadyPoolThreads});");
        Console.WriteLine("             the toolkit runs one dedicated thread per supervisor (the tick, \"FsmV2 tick\"), the collectors one shared timer, actions thread-pool work items; the worker itself runs no long-running tasks (0)");

        Console.WriteLine();
        if (_failedChecks.Count == 0)
        {
            Console.WriteLine("RESULT: all checks passed");
            return 0;
        }

        foreach (string failed in _failedChecks)
        {
            Console.WriteLine($"FAILED: {failed}");
        }

        return 1;
    }

    private void Check(bool ok, string failure)
    {
        if (!ok)
        {
            _failedChecks.Add(failure);
        }
    }

    private static string Yes(bool b) => b ? "yes" : "NO";
}
