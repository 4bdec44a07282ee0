using BenchmarkDotNet.Attributes;
using FsmV2.Benchmarks.Workers;
using FsmV2.TestKit;
using Stateless;

namespace FsmV2.Benchmarks;

/// <summary>
/// One transition of the same four-state cycle (Idle → Connecting → Connected → Disconnecting → Idle), driven
/// through the generated adapter of <see cref="LinkWorker"/> versus a Stateless state machine. Each invoke runs
/// one full cycle, so the reported time is per transition.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private const int TransitionsPerCycle = 4;

    private IWorkerMachine<LinkConfig, LinkStatus> _machine = null!;
    private WorkerDefinition _definition = null!;
    private Snapshot<LinkConfig, LinkStatus> _snapshot;
    private int _state;

    private StateMachine<LinkState, LinkTrigger> _stateless = null!;
    private StateMachine<LinkState, LinkTrigger> _statelessImmediate = null!;

    /// <summary>The Stateless model's states, mirroring <see cref="LinkWorker.State"/>.</summary>
    public enum LinkState
    {
        Idle,
        Connecting,
        Connected,
        Disconnecting,
    }

    /// <summary>One trigger per edge of the cycle.</summary>
    public enum LinkTrigger
    {
        Connect,
        HandshakeDone,
        Disconnect,
        Closed,
    }

    [GlobalSetup]
    public void Setup()
    {
        _machine = new LinkWorker();
        _definition = _machine.Definition;
        _state = _definition.InitialState;
        var identity = new WorkerIdentity("link-1", _definition.WorkerType);
        DateTimeOffset at = TestClock.Start;
        _snapshot = new Snapshot<LinkConfig, LinkStatus>(identity, new LinkConfig("tcp://localhost:1"), new LinkStatus(false), at, at, shutdownRequested: false);

        _stateless = CreateStateless(FiringMode.Queued);
        _statelessImmediate = CreateStateless(FiringMode.Immediate);

        // Both machines must really go round the cycle; fail the run rather than time something else.
        int state = _state;
        for (int i = 0; i < TransitionsPerCycle; i++)
        {
            Next next = _machine.Decide(state, in _snapshot);
            if (next.Kind != NextKind.Goto || !_definition.IsDeclared(state, next.State) || next.State != (state + 1) % TransitionsPerCycle)
            {
                throw new InvalidOperationException($"LinkWorker did not follow the cycle from state {state}: {next}.");
            }

            state = next.State;
        }

        CheckCycle(_stateless);
        CheckCycle(_statelessImmediate);
    }

    /// <summary>Stateless 5.20.1, default (queued) firing mode: <c>Fire</c> for each edge of the cycle.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TransitionsPerCycle)]
    public LinkState Stateless()
    {
        StateMachine<LinkState, LinkTrigger> machine = _stateless;
        machine.Fire(LinkTrigger.Connect);
        machine.Fire(LinkTrigger.HandshakeDone);
        machine.Fire(LinkTrigger.Disconnect);
        machine.Fire(LinkTrigger.Closed);
        return machine.State;
    }

    /// <summary>Stateless 5.20.1 in <see cref="FiringMode.Immediate"/>, which skips the trigger queue.</summary>
    [Benchmark(OperationsPerInvoke = TransitionsPerCycle)]
    public LinkState StatelessImmediate()
    {
        StateMachine<LinkState, LinkTrigger> machine = _statelessImmediate;
        machine.Fire(LinkTrigger.Connect);
        machine.Fire(LinkTrigger.HandshakeDone);
        machine.Fire(LinkTrigger.Disconnect);
        machine.Fire(LinkTrigger.Closed);
        return machine.State;
    }

    /// <summary>
    /// The generated adapter, exactly as the supervisor applies a decision: <c>Decide</c> on the current state,
    /// check the target is declared, and move there.
    /// </summary>
    [Benchmark(OperationsPerInvoke = TransitionsPerCycle)]
    public int Generated()
    {
        IWorkerMachine<LinkConfig, LinkStatus> machine = _machine;
        WorkerDefinition definition = _definition;
        int state = _state;
        for (int i = 0; i < TransitionsPerCycle; i++)
        {
            Next next = machine.Decide(state, in _snapshot);
            if (next.Kind == NextKind.Goto && definition.IsDeclared(state, next.State))
            {
                state = next.State;
            }
        }

        _state = state;
        return state;
    }

    private static StateMachine<LinkState, LinkTrigger> CreateStateless(FiringMode mode)
    {
        var machine = new StateMachine<LinkState, LinkTrigger>(LinkState.Idle, mode);
        machine.Configure(LinkState.Idle).Permit(LinkTrigger.Connect, LinkState.Connecting);
        machine.Configure(LinkState.Connecting).Permit(LinkTrigger.HandshakeDone, LinkState.Connected);
        machine.Configure(LinkState.Connected).Permit(LinkTrigger.Disconnect, LinkState.Disconnecting);
        machine.Configure(LinkState.Disconnecting).Permit(LinkTrigger.Closed, LinkState.Idle);
        return machine;
    }

    private static void CheckCycle(StateMachine<LinkState, LinkTrigger> machine)
    {
        machine.Fire(LinkTrigger.Connect);
        if (machine.State != LinkState.Connecting)
        {
            throw new InvalidOperationException($"Stateless did not move to Connecting: {machine.State}.");
        }

        machine.Fire(LinkTrigger.HandshakeDone);
        machine.Fire(LinkTrigger.Disconnect);
        machine.Fire(LinkTrigger.Closed);
        if (machine.State != LinkState.Idle)
        {
            throw new InvalidOperationException($"Stateless did not return to Idle: {machine.State}.");
        }
    }
}
