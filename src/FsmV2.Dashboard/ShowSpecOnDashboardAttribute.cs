namespace FsmV2.Dashboard;

/// <summary>
/// Lets the dashboard show a worker's desired state (what its spec derives to). Without it every worker's
/// desired state is redacted: specs carry secrets (API keys, connection strings). Put it on the desired-state type
/// of a worker type (the <c>TDesired</c> of <c>IWorker&lt;TDesired, TObserved&gt;</c>); the page then shows that
/// value as System.Text.Json writes it, so a property marked <c>[JsonIgnore]</c> stays hidden.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class ShowSpecOnDashboardAttribute : Attribute
{
}
