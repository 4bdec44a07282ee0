namespace FsmV2;

/// <summary>One entry of a worker's supervision history: a fault, a circuit opening or closing, or an escalation.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Scope">Which circuit: the worker's own faults, or its subtree's infrastructure.</param>
/// <param name="Detail">In an operator's words: where the fault was thrown and what it said, or the circuit's reason.</param>
public sealed record SupervisionEvent(DateTimeOffset At, SupervisionEventKind Kind, ErrorScope Scope, string Detail);
