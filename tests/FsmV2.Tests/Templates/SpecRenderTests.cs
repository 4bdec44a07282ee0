namespace FsmV2.Tests.Templates;

public class SpecRenderTests
{
    private static readonly Dictionary<string, string?> Spec = new()
    {
        ["address"] = "opc.tcp://{{ ip }}:{{ port }}",
        ["node"] = "ns=2;s={{ location_path }}.{{ tag }}",
        ["topic"] = "umh/v1/{{ location.enterprise }}/{{ location.site }}/{{ internal.id }}",
        ["qos"] = "1",
        ["region"] = "{{ global.region | upcase }}",
    };

    private readonly TemplateRenderer _renderer = new();

    [Fact]
    public void One_templated_spec_renders_for_a_hundred_and_fifty_children_with_their_own_variables()
    {
        var parent = new VariableBundle(
            user: new Dictionary<string, object?> { ["port"] = 4840 },
            global: new Dictionary<string, object?> { ["region"] = "eu" },
            @internal: new Dictionary<string, object?> { ["id"] = "parent" },
            location: new Isa95Location("acme", "plant-a"));

        for (int i = 0; i < 150; i++)
        {
            var own = new VariableBundle(
                user: new Dictionary<string, object?> { ["ip"] = $"10.0.{i / 256}.{i % 256}", ["tag"] = $"t{i}" },
                @internal: new Dictionary<string, object?> { ["id"] = $"child-{i}" },
                location: new Isa95Location(line: $"line-{i % 3}"));
            VariableBundle vars = VariableBundle.Merge(parent, own);

            SpecRenderResult result = _renderer.RenderSpec(Spec, vars, $"child-{i}");

            Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
            Assert.Equal($"opc.tcp://10.0.{i / 256}.{i % 256}:4840", result.Values["address"]);
            Assert.Equal($"ns=2;s=acme.plant-a.line-{i % 3}.t{i}", result.Values["node"]);
            Assert.Equal($"umh/v1/acme/plant-a/child-{i}", result.Values["topic"]);
            Assert.Equal("1", result.Values["qos"]);
            Assert.Equal("EU", result.Values["region"]);
        }

        Assert.Equal(4, _renderer.ParseCount); // four templated fields, each parsed once for all children
    }

    [Fact]
    public void Every_failing_field_is_reported_and_no_partial_spec_is_returned()
    {
        var vars = new VariableBundle(user: new Dictionary<string, object?> { ["ip"] = "h" });

        SpecRenderResult result = _renderer.RenderSpec(Spec, vars, "child-1");

        Assert.False(result.IsSuccess);
        Assert.Empty(result.Values);
        Assert.Equal(string.Empty, result.ContentHash);
        Assert.Equal(["address", "node", "topic", "region"], result.Errors.Select(static e => e.Field));
        Assert.Equal(["port", "tag", "internal.id", "global.region"], result.Errors.Select(static e => e.VariableName));
        Assert.All(result.Errors, static e => Assert.Equal("child-1", e.ChildName));

        var thrown = Assert.Throws<TemplateRenderException>(() => result.GetValuesOrThrow());
        Assert.Equal("address", thrown.Field);
        Assert.Contains("'node', 'topic', 'region'", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rendered_spec_hash_changes_only_when_the_rendered_values_change()
    {
        var vars = new VariableBundle(
            user: new Dictionary<string, object?> { ["ip"] = "h", ["port"] = 1, ["tag"] = "t", ["unused"] = "a" },
            global: new Dictionary<string, object?> { ["region"] = "eu" },
            @internal: new Dictionary<string, object?> { ["id"] = "c" });

        string first = _renderer.RenderSpec(Spec, vars, "c").ContentHash;
        string sameOutput = _renderer.RenderSpec(Spec, vars.WithUser(new Dictionary<string, object?> { ["ip"] = "h", ["port"] = 1, ["tag"] = "t", ["unused"] = "b" }), "c").ContentHash;
        string otherOutput = _renderer.RenderSpec(Spec, vars.WithUser(new Dictionary<string, object?> { ["ip"] = "h", ["port"] = 2, ["tag"] = "t" }), "c").ContentHash;

        Assert.Equal(64, first.Length);
        Assert.Equal(first, sameOutput);
        Assert.NotEqual(first, otherOutput);
    }

    [Fact]
    public void A_null_field_is_reported_by_name()
    {
        var spec = new Dictionary<string, string?> { ["address"] = null };

        SpecRenderResult result = _renderer.RenderSpec(spec, VariableBundle.Empty, "c");

        TemplateError error = Assert.Single(result.Errors);
        Assert.Equal(TemplateErrorKind.MissingTemplate, error.Kind);
        Assert.Equal("address", error.Field);
    }
}
