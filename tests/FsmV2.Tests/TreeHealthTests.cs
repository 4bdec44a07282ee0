using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Tests;

/// <summary><see cref="Supervisor.GetHealth"/>: the one rule behind the readiness check and the live page.</summary>
public sealed class TreeHealthTests
{
    [Fact]
    public void A_tree_with_every_circuit_closed_is_healthy_and_names_no_worker()
    {
        var supervisor = new Supervisor(new SupervisorOptions(), new FakeTimeProvider());

        TreeHealth health = supervisor.GetHealth();

        Assert.Equal(TreeHealthStatus.Healthy, health.Status);
        Assert.Empty(health.Workers);
        Assert.Equal("0 worker(s), every circuit closed, every observation fresh", health.Description);
        Assert.False(health.ShuttingDown);
    }

    [Fact]
    public void A_supervisor_shutting_down_is_unhealthy_before_anything_else()
    {
        var time = new FakeTimeProvider();
        var supervisor = new Supervisor(new SupervisorOptions(), time);
        _ = supervisor.ShutdownAsync(TestContext.Current.CancellationToken);

        TreeHealth health = supervisor.GetHealth();

        Assert.Equal(TreeHealthStatus.Unhealthy, health.Status);
        Assert.True(health.ShuttingDown);
        Assert.Equal("the supervisor is shutting down", health.Description);
        Assert.Empty(health.Workers);
    }
}
