using Microsoft.Extensions.DependencyInjection;

namespace FsmV2.Hosting;

/// <summary>
/// What <see cref="FsmV2ServiceCollectionExtensions.AddFsmV2(IServiceCollection, Action{SupervisorOptions}?)"/> returns:
/// the application's services, with the hosted supervisor registered. Workers (<c>AddWorker</c>) and stores
/// (<c>UseSqliteStore</c>) are added through it.
/// </summary>
public interface IFsmV2Builder
{
    /// <summary>The application's services the supervisor and its workers are registered in.</summary>
    IServiceCollection Services { get; }
}

/// <summary>The one implementation of <see cref="IFsmV2Builder"/>.</summary>
internal sealed class FsmV2Builder(IServiceCollection services) : IFsmV2Builder
{
    public IServiceCollection Services { get; } = services;
}
