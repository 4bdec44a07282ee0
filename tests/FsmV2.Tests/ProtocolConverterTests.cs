using FsmV2.Tests.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FsmV2.Tests;

/// <summary>The original plan's end-to-end scenario: a ProtocolConverter declares its children from templates.</summary>
public class ProtocolConverterTests
{
    private static ConverterSpec Spec(string ip, int port, params string[] flows) => new(
        new VariableBundle(
            user: new Dictionary<string, object?> { ["ip"] = ip, ["port"] = port },
            location: new Isa95Location("acme", "plant-a", line: "line-3")),
        flows);

    private static FlowSpec Flow(Harness h, string id) => h.Supervisor.Store.Get<FlowSpec, LinkStatus>(id)!.Desired;

    [Fact]
    public async Task Children_are_rendered_from_one_templated_spec()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("pc", new ProtocolConverterWorker(), Spec("10.0.0.1", 502, "temp", "pressure"));
        h.Step(2);

        Assert.Equal(["pc", "pc/connection", "pc/flow-temp", "pc/flow-pressure"], h.Supervisor.GetStatus().Select(s => s.Id));
        Assert.Equal("10.0.0.1:502", h.Supervisor.Store.Get<ConnectionSpec, LinkStatus>("pc/connection")!.Desired.Address);
        Assert.Equal(new FlowSpec("acme.plant-a.line-3.temp", "10.0.0.1"), Flow(h, "pc/flow-temp"));
        Assert.Equal("converting", h.Supervisor.GetStatus("pc")!.Reason);
    }

    [Fact]
    public async Task Changing_a_variable_re_renders_and_updates_exactly_the_children_that_use_it()
    {
        await using var h = new Harness();
        var pc = h.Supervisor.AddWorker("pc", new ProtocolConverterWorker(), Spec("10.0.0.2", 502, "temp", "pressure"));
        h.Step(2);
        var connection = h.Supervisor.Store.Get<ConnectionSpec, LinkStatus>("pc/connection")!;
        var temp = h.Supervisor.Store.Get<FlowSpec, LinkStatus>("pc/flow-temp")!;

        pc.UpdateSpec(Spec("10.0.0.2", 503, "temp", "pressure")); // only the connection uses the port
        h.Supervisor.Tick();
        Assert.Equal((2, 1), (connection.DesiredVersion, temp.DesiredVersion));
        Assert.Equal("10.0.0.2:503", connection.Desired.Address);

        pc.UpdateSpec(Spec("10.0.0.9", 503, "temp", "pressure")); // every child uses the ip
        h.Supervisor.Tick();
        Assert.Equal((3, 2), (connection.DesiredVersion, temp.DesiredVersion));
        Assert.Equal("10.0.0.9", temp.Desired.Source);

        pc.UpdateSpec(Spec("10.0.0.9", 503, "temp")); // a flow removed from the spec
        h.Step(2);
        Assert.Null(h.Supervisor.GetStatus("pc/flow-pressure"));
        Assert.Equal(2, temp.DesiredVersion);
    }

    [Fact]
    public async Task A_failing_connection_is_contained_to_its_subtree()
    {
        await using var h = new Harness();
        const string ip = "10.0.0.66";
        h.Supervisor.AddWorker("pc", new ProtocolConverterWorker(), Spec(ip, 502, "temp"));
        h.Step(2);

        ConnectionWorker.Unreachable[$"{ip}:502"] = true;
        try
        {
            for (int i = 0; i < 3; i++)
            {
                h.Time.Advance(TimeSpan.FromSeconds(1));
                h.Supervisor.Tick();
            }

            Assert.Equal(CircuitState.Open, h.Supervisor.GetStatus("pc/connection")!.Circuit);
            Assert.Equal(CircuitState.Closed, h.Supervisor.GetStatus("pc/flow-temp")!.Circuit);
            Assert.Equal("flowing", h.Supervisor.GetStatus("pc/flow-temp")!.Reason);
            Assert.True(h.Logged("Circuit OPEN for pc (ProtocolConverterWorker); error scope Infrastructure: child pc/connection"));
        }
        finally
        {
            ConnectionWorker.Unreachable.TryRemove($"{ip}:502", out _);
        }
    }

    [Fact]
    public async Task A_missing_variable_fails_clearly_and_the_rest_of_the_tree_keeps_running()
    {
        await using var h = new Harness();
        var pc = h.Supervisor.AddWorker("pc", new ProtocolConverterWorker(), Spec("10.0.0.3", 502, "temp"));
        h.Step(2);

        var broken = new ConverterSpec(new VariableBundle(user: new Dictionary<string, object?> { ["ip"] = "10.0.0.3" }), ["temp"]); // no port
        pc.UpdateSpec(broken);
        h.Step(2);

        FakeLogRecord error = Assert.Single(h.Logs, r => r.Level == LogLevel.Error && r.Message.Contains("spec of child connection is invalid", StringComparison.Ordinal));
        Assert.Contains("port", error.Message);
        Assert.Contains("pc/connection", error.Message);
        Assert.Contains("address", error.Message);
        Assert.Equal("10.0.0.3:502", h.Supervisor.Store.Get<ConnectionSpec, LinkStatus>("pc/connection")!.Desired.Address); // keeps its spec
        Assert.Equal("flowing", h.Supervisor.GetStatus("pc/flow-temp")!.Reason);
        Assert.Equal(CircuitState.Closed, pc.Status.Circuit);
    }

    [Fact]
    public async Task More_than_a_hundred_children_render_from_one_template()
    {
        await using var h = new Harness();
        string[] flows = Enumerable.Range(0, 120).Select(i => $"f{i}").ToArray();
        h.Supervisor.AddWorker("pc", new ProtocolConverterWorker(), Spec("10.0.0.4", 502, flows));
        h.Step(2);

        Assert.Equal(1 + 1 + 120, h.Supervisor.GetStatus().Count);
        Assert.Equal("acme.plant-a.line-3.f119", Flow(h, "pc/flow-f119").Topic);
        Assert.All(flows, f => Assert.Equal($"acme.plant-a.line-3.{f}", Flow(h, $"pc/flow-{f}").Topic));
    }
}
