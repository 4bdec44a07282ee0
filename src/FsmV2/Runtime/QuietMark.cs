using System.Runtime.InteropServices;

namespace FsmV2;

/// <summary>
/// What a worker's slot keeps to skip its quiet stays (<see cref="SupervisorOptions.SkipUnchangedStays"/>), in the
/// same 8 bytes either way. A child (or any worker with the option off): <see cref="Inputs"/>, the key of the inputs
/// of its last quiet stay, 0 when it is not quiet; its parent's tick repeats the stay while the key is unchanged. A
/// top-level worker under a supervisor with the option on: <see cref="Position"/> in the supervisor's list (for the
/// <see cref="ParkSet"/>'s bits) and <see cref="ParkedAt"/>, the tick it was parked in, 0 while it is not parked.
/// </summary>
[StructLayout(LayoutKind.Explicit)]
internal struct QuietMark
{
#pragma warning disable SA1401, CA1051 // Plain fields of a slot's value, read and written with Volatile where shared.
    /// <summary>A child's: the inputs key (<c>WorkerRecord.InputsKey</c>) of its last quiet stay; 0 when not quiet.</summary>
    [FieldOffset(0)]
    public long Inputs;

    /// <summary>A parked supervisor's top-level worker: its position in the supervisor's list.</summary>
    [FieldOffset(0)]
    public int Position;

    /// <summary>A parked supervisor's top-level worker: the <see cref="ParkSet"/> tick it was parked in; 0 while not parked.</summary>
    [FieldOffset(4)]
    public int ParkedAt;
#pragma warning restore SA1401, CA1051
}
