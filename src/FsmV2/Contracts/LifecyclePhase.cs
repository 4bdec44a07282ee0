namespace FsmV2;

/// <summary>The lifecycle phase a state reports, so operators and parents can read a worker at a glance.</summary>
public enum LifecyclePhase
{
    /// <summary>Not running; safe to remove.</summary>
    Stopped,

    /// <summary>On its way to running.</summary>
    Starting,

    /// <summary>Running and doing its job.</summary>
    RunningHealthy,

    /// <summary>Running, but not fully doing its job (for example retrying after a backend outage).</summary>
    RunningDegraded,

    /// <summary>On its way to stopped.</summary>
    Stopping,
}
