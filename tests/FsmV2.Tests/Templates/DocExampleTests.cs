namespace FsmV2.Tests.Templates;

/// <summary>The outputs and messages that docs/variables-and-templates.md shows are the real ones.</summary>
public class DocExampleTests
{
    [Fact]
    public void The_documented_merge_and_spec_render_give_the_documented_values()
    {
        var parent = new VariableBundle(
            user: new Dictionary<string, object?>
            {
                ["port"] = 4840,
                ["conn"] = new Dictionary<string, object?> { ["timeout_ms"] = 500, ["tags"] = new[] { "temp", "pressure" } },
            },
            global: new Dictionary<string, object?> { ["region"] = "eu" },
            @internal: new Dictionary<string, object?> { ["id"] = "converter-1" },
            location: new Isa95Location(enterprise: "acme", site: "plant-a"));
        var child = new VariableBundle(
            user: new Dictionary<string, object?> { ["ip"] = "10.0.0.5" },
            @internal: new Dictionary<string, object?> { ["id"] = "flow-17" },
            location: new Isa95Location(line: "line-3"));
        VariableBundle vars = VariableBundle.Merge(parent, child);
        var spec = new Dictionary<string, string?>
        {
            ["address"] = "opc.tcp://{{ ip }}:{{ port }}",
            ["topic"] = "umh/v1/{{ location.enterprise }}/{{ location.site }}/{{ internal.id }}",
            ["node"] = "ns=2;s={{ location_path }}.{{ conn.tags[0] | upcase }}",
            ["qos"] = "1",
        };

        var values = new TemplateRenderer().RenderSpecOrThrow(spec, vars, "flow-17");

        Assert.Equal("opc.tcp://10.0.0.5:4840", values["address"]);
        Assert.Equal("umh/v1/acme/plant-a/flow-17", values["topic"]);
        Assert.Equal("ns=2;s=acme.plant-a.line-3.TEMP", values["node"]);
        Assert.Equal("1", values["qos"]);
    }

    [Fact]
    public void The_documented_error_messages_are_the_real_ones()
    {
        var renderer = new TemplateRenderer();
        var vars = new VariableBundle(user: new Dictionary<string, object?> { ["ip"] = "10.0.0.5", ["conn"] = new Dictionary<string, object?> { ["timeout_ms"] = 500 } });

        Assert.Equal(
            "Template of child 'flow-17', field 'address', reads undefined variable 'conn.port': declare it (user, global or internal variables) or remove it from the template. Template: 'opc.tcp://{{ ip }}:{{ conn.port }}'",
            renderer.Render("opc.tcp://{{ ip }}:{{ conn.port }}", vars, "flow-17", "address").Error!.Message);
        Assert.Contains("uses unknown filter 'shout'", renderer.Render("{{ ip | shout }}", vars, "flow-17", "address").Error!.Message, StringComparison.Ordinal);
        Assert.Contains(
            "has a syntax error at line 1, column 12: End of tag '}}' was expected",
            renderer.Render("hello {{ ip", vars, "flow-17", "address").Error!.Message,
            StringComparison.Ordinal);
        Assert.Equal("Field 'address' of child 'flow-17' has no template (null).", renderer.Render(null, vars, "flow-17", "address").Error!.Message);
    }

    [Fact]
    public void The_documented_location_paths_are_the_real_ones()
    {
        var site = new Isa95Location(enterprise: "acme", site: "plant-a", area: "area-1");

        Assert.Equal("acme.plant-a.area-1.line-3.cell-9", Isa95Location.Merge(site, new Isa95Location(line: "line-3", cell: "cell-9")).Path);
        Assert.Equal("acme.plant-b.area-1", Isa95Location.Merge(site, new Isa95Location(site: "plant-b")).Path);
        Assert.Equal("acme.line-3", new Isa95Location("acme", line: "line-3").Path);
    }
}
