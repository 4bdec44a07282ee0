namespace FsmV2.Dashboard;

/// <summary>How <see cref="DashboardEndpointRouteBuilderExtensions.MapFsmV2Dashboard(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder, string, Action{DashboardOptions})"/> serves the page.</summary>
public sealed class DashboardOptions
{
    private readonly List<WorkerDefinition> _workerTypes = [];

    /// <summary>The supervisor to show; when <see langword="null"/>, the <see cref="FsmV2.Supervisor"/> registered in the container.</summary>
    public Supervisor? Supervisor { get; set; }

    /// <summary>
    /// The clock observation ages and probe times are measured with; when <see langword="null"/>, the container's
    /// <see cref="System.TimeProvider"/> (the one <c>AddFsmV2</c> gives the supervisor), else the system clock.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>The page's heading. Default <c>FsmV2</c>.</summary>
    public string Title { get; set; } = "FsmV2";

    /// <summary>How often the page's event stream sends a fresh view. Default 500 ms; at least 50 ms, at most 1 minute.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How many of each worker's latest flight-recorder decisions the page shows (its timeline). Default 20; 0 shows
    /// none; at most 1000 (the recorder keeps <see cref="FlightRecorderOptions.Capacity"/>).
    /// </summary>
    public int TimelineLength { get; set; } = 20;

    /// <summary>
    /// Whether the operator actions (isolate or close a circuit, restart a worker) are mapped. Default
    /// <see langword="false"/>: the page is read-only and no state-changing route exists. When enabled,
    /// <see cref="ActionsPolicy"/> must name an authorization policy, and every action needs the anti-forgery token.
    /// </summary>
    public bool EnableActions { get; set; }

    /// <summary>The ASP.NET Core authorization policy an operator must satisfy to use the actions; required when <see cref="EnableActions"/> is set.</summary>
    public string? ActionsPolicy { get; set; }

    /// <summary>The worker types whose state graphs the page draws (for a generated worker: <c>MyWorker.Definition</c>).</summary>
    public IReadOnlyList<WorkerDefinition> WorkerTypes => _workerTypes;

    /// <summary>Adds a worker type whose state graph the page draws; adding one twice keeps the first.</summary>
    /// <param name="definition">The worker type's definition (a generated worker's static <c>Definition</c>).</param>
    /// <returns>These options, for chaining.</returns>
    public DashboardOptions AddWorkerType(WorkerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!_workerTypes.Exists(d => d.WorkerType == definition.WorkerType))
        {
            _workerTypes.Add(definition);
        }

        return this;
    }

    /// <summary>Checks the options; the message names the option that is wrong.</summary>
    /// <exception cref="ArgumentException">An option is out of range or missing.</exception>
    public void Validate()
    {
        if (RefreshInterval < TimeSpan.FromMilliseconds(50) || RefreshInterval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"DashboardOptions.RefreshInterval must be between 50 ms and 1 minute (was {RefreshInterval}).", nameof(RefreshInterval));
        }

        if (TimelineLength is < 0 or > 1000)
        {
            throw new ArgumentException($"DashboardOptions.TimelineLength must be between 0 and 1000 (was {TimelineLength}).", nameof(TimelineLength));
        }

        if (string.IsNullOrWhiteSpace(Title))
        {
            throw new ArgumentException("DashboardOptions.Title must not be empty.", nameof(Title));
        }

        if (EnableActions && string.IsNullOrWhiteSpace(ActionsPolicy))
        {
            throw new ArgumentException("DashboardOptions.EnableActions needs DashboardOptions.ActionsPolicy: the name of the authorization policy an operator must satisfy.", nameof(ActionsPolicy));
        }
    }
}
