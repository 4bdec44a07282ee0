using System.Globalization;
using FsmV2;

namespace FsmV2.Tests.Workers;

public sealed record ThermostatSpec(double Target = 20);

public sealed record ThermostatReading(double Celsius);

/// <summary>What a thermostat's collector reads; a test sets it.</summary>
public sealed class ThermostatSensor
{
    public double Celsius { get; set; } = 20;
}

/// <summary>
/// A pure worker for the flight recorder: heats when the room is more than 1 °C below target, stops at target. Its
/// collector completes synchronously, so a fake clock's advance observes inline.
/// </summary>
[Worker]
public sealed partial class ThermostatWorker(ThermostatSensor sensor) : IWorker<ThermostatSpec, ThermostatReading>
{
    public ThermostatWorker()
        : this(new ThermostatSensor())
    {
    }

    public ValueTask<ThermostatReading> CollectAsync(ThermostatSpec desired, CancellationToken ct) => ValueTask.FromResult(new ThermostatReading(sensor.Celsius));

    [State(Initial = true)]
    [TransitionsTo(nameof(Heating))]
    static Next Idle(in Snapshot<ThermostatSpec, ThermostatReading> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Observed.Celsius < s.Desired.Target - 1 ? Goto(State.Heating, string.Create(CultureInfo.InvariantCulture, $"too cold: {s.Observed.Celsius} °C"))
         : Stay("within band");

    [State]
    [TransitionsTo(nameof(Idle))]
    static Next Heating(in Snapshot<ThermostatSpec, ThermostatReading> s)
        => s.ShutdownRequested || s.Observed.Celsius >= s.Desired.Target ? Goto(State.Idle, "warm enough")
         : Stay("heating");
}

/// <summary>
/// <see cref="ThermostatWorker"/> with one state changed: it tolerates 2 °C below target before heating. Replaying a
/// thermostat's recording with it shows the first decision that the change alters.
/// </summary>
[Worker]
public sealed partial class WideBandThermostatWorker : IWorker<ThermostatSpec, ThermostatReading>
{
    public ValueTask<ThermostatReading> CollectAsync(ThermostatSpec desired, CancellationToken ct) => ValueTask.FromResult(new ThermostatReading(20));

    [State(Initial = true)]
    [TransitionsTo(nameof(Heating))]
    static Next Idle(in Snapshot<ThermostatSpec, ThermostatReading> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Observed.Celsius < s.Desired.Target - 2 ? Goto(State.Heating, string.Create(CultureInfo.InvariantCulture, $"too cold: {s.Observed.Celsius} °C"))
         : Stay("within band");

    [State]
    [TransitionsTo(nameof(Idle))]
    static Next Heating(in Snapshot<ThermostatSpec, ThermostatReading> s)
        => s.ShutdownRequested || s.Observed.Celsius >= s.Desired.Target ? Goto(State.Idle, "warm enough")
         : Stay("heating");
}

/// <summary>A desired state System.Text.Json cannot serialise (a delegate).</summary>
public sealed record CallbackSpec(Func<int> Callback);

/// <summary>A worker whose desired state cannot be captured: its decisions are still recorded, without snapshots.</summary>
[Worker]
public sealed partial class CallbackWorker : IWorker<CallbackSpec, IdleStatus>
{
    public ValueTask<IdleStatus> CollectAsync(CallbackSpec desired, CancellationToken ct) => ValueTask.FromResult(new IdleStatus());

    [State(Initial = true, Terminal = true)]
    static Next Waiting(in Snapshot<CallbackSpec, IdleStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay($"callback says {s.Desired.Callback()}");
}
