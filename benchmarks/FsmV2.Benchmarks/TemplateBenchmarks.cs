using BenchmarkDotNet.Attributes;

namespace FsmV2.Benchmarks;

/// <summary>
/// Rendering one field of a typical child spec (an OPC UA address and node id built from user, global, internal and
/// location variables): cached (the parse is reused, as on every tick after the first) and first render (the cache is emptied
/// first, so the template is parsed and rewritten, then rendered). The variables are built and flattened once in
/// setup, as a supervisor does per child; each cached invoke still builds a template context and sets every top-level
/// variable into it.
/// </summary>
[MemoryDiagnoser]
public class TemplateBenchmarks
{
    private const string Template = "opc.tcp://{{ conn.host }}:{{ conn.port }}/{{ location_path }}/{{ internal.id }}?ns={{ global.namespace }}&tag={{ tag | downcase }}";

    private TemplateRenderer _renderer = null!;
    private VariableBundle _variables = null!;
    private string _expected = null!;

    [GlobalSetup]
    public void Setup()
    {
        var parent = new VariableBundle(
            user: new Dictionary<string, object?> { ["conn"] = new Dictionary<string, object?> { ["host"] = "plc-1", ["port"] = 4840 }, ["interval_ms"] = 1000 },
            global: new Dictionary<string, object?> { ["namespace"] = 3, ["region"] = "eu" },
            location: new Isa95Location("acme", "plant-a", "area-1"));
        var child = new VariableBundle(
            user: new Dictionary<string, object?> { ["tag"] = "Temperature" },
            @internal: new Dictionary<string, object?> { ["id"] = "flow-17" },
            location: new Isa95Location(line: "line-3"));
        _variables = VariableBundle.Merge(parent, child);
        _variables.Flatten();
        _renderer = new TemplateRenderer();
        _expected = "opc.tcp://plc-1:4840/acme.plant-a.area-1.line-3/flow-17?ns=3&tag=temperature";

        // Measure the real thing: fail the run rather than time an error path.
        string rendered = _renderer.RenderOrThrow(Template, _variables, "flow-17", "address");
        if (rendered != _expected || new TemplateRenderer().RenderOrThrow(Template, _variables, "flow-17", "address") != _expected)
        {
            throw new InvalidOperationException($"Unexpected render: {rendered}");
        }
    }

    /// <summary>A render whose parse is cached: the per-tick cost for a child whose variables changed.</summary>
    [Benchmark(Baseline = true)]
    public string CachedRender() => _renderer.Render(Template, _variables, "flow-17", "address").Value!;

    /// <summary>Parse, rewrite, cache and render after emptying the cache: the cost of a template's first use.</summary>
    [Benchmark]
    public string FirstRender()
    {
        _renderer.ClearCache();
        return _renderer.Render(Template, _variables, "flow-17", "address").Value!;
    }
}
