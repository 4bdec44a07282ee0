namespace FsmV2;

/// <summary>
/// Marks a <c>partial</c> class as a worker. The FsmV2 generator turns its <see cref="StateAttribute"/> and
/// <see cref="ActionAttribute"/> methods into the <c>State</c> and <c>Act</c> enums, the decision helpers
/// (<c>Goto</c>, <c>Stay</c>, <c>Do</c>, <c>Remove</c>, <c>Restart</c>), switch-based dispatch, a transition
/// table, diagrams and the adapter the <see cref="Supervisor"/> calls.
/// </summary>
/// <remarks>The class must implement <see cref="IWorker{TDesired, TObserved}"/>.</remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class WorkerAttribute : Attribute
{
}
