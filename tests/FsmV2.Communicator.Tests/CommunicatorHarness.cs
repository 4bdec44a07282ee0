using Communicator;
using Communicator.Backend;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Communicator.Tests;

/// <summary>
/// A communicator against a real demo backend on loopback, supervised on a fake clock. The test moves the clock
/// and ticks by hand (<see cref="StepAsync"/>), and awaits every action the tick starts, so backoff, polling and
/// token expiry run in fake time while the HTTP requests are real. Nothing sleeps: every wait is an awaited
/// completion with a bounded timeout.
/// </summary>
internal sealed class CommunicatorHarness : IAsyncDisposable
{
    public const string Id = "communicator";
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ActionBound = TimeSpan.FromSeconds(15);

    private readonly List<Message> _inbound = [];
    private readonly List<string> _written = [];

    private CommunicatorHarness(DemoBackend backend, CommunicatorSpec spec)
    {
        Backend = backend;
        Spec = spec;
        Logs = new FakeLogCollector();
        Http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        Worker = new CommunicatorWorker(Http, Time, new FakeLogger<CommunicatorWorker>(Logs));
        Supervisor = new Supervisor(
            new SupervisorOptions
            {
                TickInterval = TickInterval,
                CollectInterval = TimeSpan.FromMilliseconds(100),
                CollectTimeout = TimeSpan.FromSeconds(1),
                StaleAfter = TimeSpan.FromSeconds(2),
                ShutdownTimeout = TimeSpan.FromHours(1), // the tests bound the drain themselves
            },
            Time,
            new FakeLogger(Logs, "FsmV2.Supervisor"),
            new ActionPool(maxConcurrency: 2, queueLength: 10));
        Handle = Supervisor.AddWorker(Id, Worker, spec);
    }

    public FakeTimeProvider Time { get; } = TestClock.Clock();

    public DemoBackend Backend { get; }

    public CommunicatorSpec Spec { get; }

    public FakeLogCollector Logs { get; }

    public HttpClient Http { get; }

    public CommunicatorWorker Worker { get; }

    public Supervisor Supervisor { get; }

    public WorkerHandle<CommunicatorSpec, CommunicatorObservation> Handle { get; }

    public string State => Handle.Status.State;

    public CommunicatorObservation Observed => Handle.Record.Observation.Value;

    /// <summary>Inbound messages the application has read so far (see <see cref="ReadInbound"/>).</summary>
    public IReadOnlyList<Message> Inbound => _inbound;

    /// <summary>Payloads the application has written so far.</summary>
    public IReadOnlyList<string> Written => _written;

    public static async Task<CommunicatorHarness> StartAsync(
        Func<CommunicatorSpec, CommunicatorSpec>? adjust = null,
        DemoBackendOptions? backendOptions = null,
        DemoBackend? backend = null)
    {
        backend ??= await DemoBackend.StartAsync(backendOptions, TestContext.Current.CancellationToken);
        var spec = new CommunicatorSpec
        {
            Backend = backend.Address,
            ApiKey = backend.ApiKey,
            RequestTimeout = TimeSpan.FromSeconds(5),
            PollInterval = TimeSpan.FromMilliseconds(200),
            BackoffBase = TimeSpan.FromMilliseconds(100),
            BackoffCap = TimeSpan.FromSeconds(2),
            TokenRefreshMargin = TimeSpan.FromMilliseconds(500),
        };
        return new CommunicatorHarness(backend, adjust?.Invoke(spec) ?? spec);
    }

    /// <summary>One tick interval of fake time, one tick, and the action it started (if any) awaited.</summary>
    public async Task StepAsync()
    {
        Time.Advance(TickInterval);
        Supervisor.Tick();
        await Handle.ActionCompletion.WaitAsync(ActionBound, TestContext.Current.CancellationToken);
        ReadInbound();
    }

    /// <summary>Steps until <paramref name="condition"/> holds; fails after <paramref name="maxSteps"/> steps.</summary>
    public async Task RunUntilAsync(Func<bool> condition, string what, int maxSteps = 1_000)
    {
        for (int i = 0; i < maxSteps; i++)
        {
            if (condition())
            {
                return;
            }

            await StepAsync();
        }

        Assert.Fail($"not reached after {maxSteps} steps: {what}; state {State} ({Handle.Status.Reason})");
    }

    public Task RunUntilStateAsync(string state, int maxSteps = 1_000) => RunUntilAsync(() => State == state, $"state {state}", maxSteps);

    public async Task StepsAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await StepAsync();
        }
    }

    public void Write(int count, string prefix = "m")
    {
        for (int i = 0; i < count; i++)
        {
            string payload = $"{prefix}-{_written.Count + 1}";
            Assert.True(Worker.Outbound.TryWrite(Message.Outbound(payload)));
            _written.Add(payload);
        }
    }

    public void Publish(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Backend.Publish($"server-{Backend.Published + 1}");
        }
    }

    public void ReadInbound()
    {
        while (Worker.Inbound.TryRead(out Message? message))
        {
            _inbound.Add(message);
        }
    }

    /// <summary>Everything written reached the backend and everything published reached the application.</summary>
    public bool AllDelivered() => Backend.Received.Count == _written.Count && _inbound.Count == Backend.Published;

    /// <summary>Both directions hold exactly 1..N once each, in order, with the right payloads.</summary>
    public void AssertNoLossNoDuplicates()
    {
        IReadOnlyList<Message> received = Backend.Received;
        Assert.Equal(Enumerable.Range(1, _written.Count).Select(i => (long)i), received.Select(m => m.Seq));
        Assert.Equal(_written, received.Select(m => m.Payload));
        Assert.Equal(Enumerable.Range(1, Backend.Published).Select(i => (long)i), _inbound.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(1, Backend.Published).Select(i => $"server-{i}"), _inbound.Select(m => m.Payload));
        Assert.Equal(0, Worker.Stats.Pending);
    }

    /// <summary>Every log line, exception message (with inner exceptions) and structured value captured so far.</summary>
    public IEnumerable<string> CapturedText()
    {
        foreach (FakeLogRecord record in Logs.GetSnapshot())
        {
            yield return record.Message;
            for (Exception? ex = record.Exception; ex is not null; ex = ex.InnerException)
            {
                yield return ex.ToString();
            }

            foreach (KeyValuePair<string, string?> pair in record.StructuredState ?? [])
            {
                yield return pair.Value ?? string.Empty;
            }
        }

        for (Exception? ex = Handle.Status.LastAction?.Error; ex is not null; ex = ex.InnerException)
        {
            yield return ex.ToString();
        }
    }

    /// <summary>Shuts the supervisor down, stepping the fake clock until the worker has left.</summary>
    public async Task ShutdownAsync()
    {
        Task shutdown = Supervisor.ShutdownAsync(TestContext.Current.CancellationToken);
        await RunUntilAsync(() => Handle.IsRemoved, "worker removed after shutdown");
        // The shutdown loop notices on its next (fake) tick.
        await Time.AdvanceUntilAsync(shutdown, TickInterval, TestContext.Current.CancellationToken, maxSteps: 200);
    }

    public async ValueTask DisposeAsync()
    {
        if (Supervisor.Count > 0)
        {
            Backend.Faults.Clear();
            await ShutdownAsync();
        }

        Http.Dispose();
        await Backend.DisposeAsync();
    }
}
