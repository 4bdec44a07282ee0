using FsmV2.Tests.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FsmV2.Tests;

/// <summary>The README's way to give a plain <see cref="Supervisor"/> a logger: a logger of any <see cref="ILoggerFactory"/>.</summary>
public class SupervisorLoggerTests
{
    [Fact]
    public async Task A_plain_supervisor_given_a_logger_of_a_logger_factory_logs_its_lines_to_that_factorys_providers()
    {
        var collector = new FakeLogCollector();
        using ILoggerFactory loggers = new LoggerFactory([new FakeLoggerProvider(collector)]);
        await using var h = new Harness(); // its clock, and its shutdown on that clock
        var supervisor = new Supervisor(Harness.DefaultOptions, h.Time, logger: loggers.CreateLogger("FsmV2.Supervisor"));

        supervisor.AddWorker("pump-1", new PumpWorker(), new PumpConfig());
        supervisor.Tick();

        IReadOnlyList<FakeLogRecord> lines = collector.GetSnapshot();
        Assert.Contains(lines, r => r.Category == "FsmV2.Supervisor" && r.Message == "Worker pump-1 (PumpWorker) added in state Stopped");
        Assert.Contains(lines, r => r.Category == "FsmV2.Supervisor" && r.Level == LogLevel.Information && r.Message == "Worker pump-1 (PumpWorker) Stopped -> Starting: desired: running");
        await h.ShutDown(supervisor);
    }
}
