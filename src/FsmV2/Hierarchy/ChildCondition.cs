namespace FsmV2;

/// <summary>How a child counts in its parent's <see cref="ChildrenView"/>.</summary>
internal enum ChildCondition
{
    Healthy,
    Unhealthy,
    Stopped,
    Transitioning,
}
