using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace FsmV2.Hosting;

/// <summary>One worker registered with <c>AddWorker</c>, added to the supervisor when the host starts.</summary>
internal abstract class WorkerRegistration
{
    protected WorkerRegistration(string id) => Id = id;

    public string Id { get; }

    public abstract void AddTo(Supervisor supervisor, IServiceProvider services, HostedWorkers handles);
}

/// <summary>The typed registration: resolves or creates the worker, then adds it with its spec.</summary>
internal sealed class WorkerRegistration<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TWorker, TDesired, TObserved> : WorkerRegistration
    where TWorker : class, IWorkerMachine<TDesired, TObserved>
{
    private readonly TDesired _spec;

    public WorkerRegistration(string id, TDesired spec)
        : base(id) => _spec = spec;

    public override void AddTo(Supervisor supervisor, IServiceProvider services, HostedWorkers handles)
    {
        TWorker worker = services.GetService<TWorker>() ?? ActivatorUtilities.CreateInstance<TWorker>(services);
        handles.Add(Id, supervisor.AddWorker(Id, worker, _spec));
    }
}
