using FsmV2.Tests.Workers;
using Microsoft.Extensions.Logging;

namespace FsmV2.Tests;

/// <summary>Variables flow from a root through two levels of templated children, with overrides.</summary>
public class VariableTreeTests
{
    private static VariableBundle Site(string region) => new(
        user: new Dictionary<string, object?> { ["port"] = 502, ["plant"] = "acme-1" },
        global: new Dictionary<string, object?> { ["region"] = region },
        @internal: new Dictionary<string, object?> { ["secret"] = "root-only" },
        location: new Isa95Location("acme", "plant-a"));

    private static string Leaf(Harness h) => h.Supervisor.Store.Get<LeafSpec, Quiet>("site/area-1/leaf-1")?.Desired.Label ?? "(no leaf)";

    [Fact]
    public async Task Variables_propagate_through_three_levels_with_overrides()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("site", new SiteWorker(), SiteWorker.With(Site("eu"), "{{ plant }}/{{ area }}/{{ cell }}:{{ port }} in {{ global.region }} at {{ location_path }}"));
        h.Step(3);

        // area overrides port (9000); plant comes from the root, area from the middle, cell from the leaf itself.
        Assert.Equal("eu/north:9000", h.Supervisor.Store.Get<AreaSpec, Quiet>("site/area-1")!.Desired.Label);
        Assert.Equal("acme-1/north/c7:9000 in eu at acme.plant-a", Leaf(h));
    }

    [Fact]
    public async Task A_root_variable_change_re_renders_the_grandchild()
    {
        await using var h = new Harness();
        const string template = "{{ global.region }}/{{ cell }}";
        var site = h.Supervisor.AddWorker("site", new SiteWorker(), SiteWorker.With(Site("eu"), template));
        h.Step(3);
        Assert.Equal("eu/c7", Leaf(h));

        site.UpdateSpec(SiteWorker.With(Site("us"), template));
        h.Step(2);

        Assert.Equal("us/c7", Leaf(h));
    }

    [Fact]
    public async Task Internal_variables_are_not_inherited()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("site", new SiteWorker(), SiteWorker.With(Site("eu"), "{{ internal.secret }}"));
        h.Step(3);

        Assert.Equal("(no leaf)", Leaf(h));
        Assert.Contains(h.Logs, r => r.Level == LogLevel.Error
            && r.Message.Contains("the spec of child leaf-1 is invalid", StringComparison.Ordinal)
            && r.Message.Contains("internal.secret", StringComparison.Ordinal));
        Assert.Equal("Running", h.Supervisor.GetStatus("site/area-1")!.State); // its parent keeps running
    }
}
