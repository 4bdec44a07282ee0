using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace FsmV2;

/// <summary>
/// The one decision a state returns: stay, go to another declared state, stay and run one action, or
/// signal the supervisor. A state change and an action are never returned together — the shape of this
/// type makes that impossible. Every decision carries a reason for operators.
/// </summary>
/// <remarks>
/// Workers build values with their generated helpers (<c>Goto</c>, <c>Stay</c>, <c>Do</c>, <c>Remove</c>,
/// <c>Restart</c>), which are typed by the worker's own <c>State</c> and <c>Act</c> enums. The factory
/// methods here take raw indices and exist for that generated code.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Next is the fixed public name of a decision.")]
public readonly struct Next : IEquatable<Next>
{
    private const string NoReason = "(no reason given)";

    private readonly string? _reason;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Next(NextKind kind, int state, int action, Signal signal, string? reason)
    {
        Kind = kind;
        State = state;
        Action = action;
        Signal = signal;
        _reason = string.IsNullOrEmpty(reason) ? null : reason;
    }

    /// <summary>What this decision asks for.</summary>
    public NextKind Kind { get; }

    /// <summary>The index of the target state when <see cref="Kind"/> is <see cref="NextKind.Goto"/>; otherwise -1.</summary>
    public int State { get; }

    /// <summary>The index of the action to run when <see cref="Kind"/> is <see cref="NextKind.Do"/>; otherwise -1.</summary>
    public int Action { get; }

    /// <summary>The signal when <see cref="Kind"/> is <see cref="NextKind.Signal"/>; otherwise <see cref="FsmV2.Signal.None"/>.</summary>
    public Signal Signal { get; }

    /// <summary>Why the worker decided this; shown in logs and status. Never null.</summary>
    public string Reason => _reason ?? NoReason;

    /// <summary>Keep the current state (for generated code; use the worker's <c>Stay</c> helper).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Next Stay(string reason) => new(NextKind.Stay, -1, -1, Signal.None, reason);

    /// <summary>Go to state <paramref name="state"/> (for generated code; use the worker's <c>Goto</c> helper).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Next ToState(int state, string reason) => new(NextKind.Goto, state, -1, Signal.None, reason);

    /// <summary>Run action <paramref name="action"/> (for generated code; use the worker's <c>Do</c> helper).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Next RunAction(int action, string reason) => new(NextKind.Do, -1, action, Signal.None, reason);

    /// <summary>Signal the supervisor (for generated code; use the worker's <c>Remove</c> or <c>Restart</c> helper).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Next SignalSupervisor(Signal signal, string reason) => new(NextKind.Signal, -1, -1, signal, reason);

    /// <inheritdoc />
    public bool Equals(Next other) =>
        Kind == other.Kind && State == other.State && Action == other.Action && Signal == other.Signal &&
        string.Equals(Reason, other.Reason, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Next other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, State, Action, Signal, Reason);

    /// <summary>Compares two decisions.</summary>
    public static bool operator ==(Next left, Next right) => left.Equals(right);

    /// <summary>Compares two decisions.</summary>
    public static bool operator !=(Next left, Next right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        NextKind.Goto => $"Goto({State}): {Reason}",
        NextKind.Do => $"Do({Action}): {Reason}",
        NextKind.Signal => $"{Signal}: {Reason}",
        _ => $"Stay: {Reason}",
    };
}
