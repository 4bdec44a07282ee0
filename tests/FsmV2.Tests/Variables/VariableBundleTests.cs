namespace FsmV2.Tests.Variables;

public class VariableBundleTests
{
    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(static e => e.Key, static e => e.Value);

    [Fact]
    public void Flatten_puts_user_variables_at_the_top_and_namespaces_under_their_names()
    {
        var bundle = new VariableBundle(
            user: Map(("ip", "10.0.0.5"), ("port", 502)),
            global: Map(("region", "eu")),
            @internal: Map(("id", "child-7")),
            location: new Isa95Location("acme", "plant-a", line: "line-3"));

        VariableMap flat = bundle.Flatten();

        Assert.Equal("10.0.0.5", flat["ip"]);
        Assert.Equal(502L, flat["port"]);
        Assert.Equal("eu", ((VariableMap)flat["global"]!)["region"]);
        Assert.Equal("child-7", ((VariableMap)flat["internal"]!)["id"]);
        Assert.Equal("acme.plant-a.line-3", flat["location_path"]);
        var location = (VariableMap)flat["location"]!;
        Assert.Equal("plant-a", location["site"]);
        Assert.Equal(string.Empty, location["area"]);
        Assert.Equal(["area", "cell", "enterprise", "line", "site"], location.Keys);
        Assert.Equal(["global", "internal", "ip", "location", "location_path", "port"], flat.Keys);
        Assert.Same(flat, bundle.Flatten());
    }

    [Fact]
    public void Empty_bundle_still_flattens_to_every_namespace()
    {
        VariableMap flat = VariableBundle.Empty.Flatten();

        Assert.Empty((VariableMap)flat["global"]!);
        Assert.Empty((VariableMap)flat["internal"]!);
        Assert.Equal(string.Empty, flat["location_path"]);
    }

    [Theory]
    [InlineData("global")]
    [InlineData("internal")]
    [InlineData("location")]
    [InlineData("location_path")]
    public void A_user_variable_may_not_use_a_reserved_name(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => new VariableBundle(user: Map((name, "x"))));
        Assert.Contains($"'{name}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_over_three_levels_overrides_user_and_global_and_never_inherits_internal()
    {
        var root = new VariableBundle(
            user: Map(("protocol", "modbus"), ("ip", "10.0.0.1"), ("port", 502)),
            global: Map(("region", "eu"), ("broker", "mqtt://root")),
            @internal: Map(("id", "root"), ("root_only", true)),
            location: new Isa95Location("acme"));
        var converter = new VariableBundle(
            user: Map(("ip", "10.0.0.2")),
            global: Map(("broker", "mqtt://plant")),
            @internal: Map(("id", "converter")),
            location: new Isa95Location(site: "plant-a"));
        var flow = new VariableBundle(
            user: Map(("port", 5020), ("tag", "temp")),
            @internal: Map(("id", "flow")),
            location: new Isa95Location(line: "line-3"));

        VariableBundle level2 = VariableBundle.Merge(root, converter);
        VariableBundle level3 = VariableBundle.Merge(level2, flow);

        Assert.Equal("modbus", level3.User["protocol"]);   // inherited from the root
        Assert.Equal("10.0.0.2", level3.User["ip"]);        // overridden at level 2
        Assert.Equal(5020L, level3.User["port"]);           // overridden at level 3
        Assert.Equal("temp", level3.User["tag"]);           // declared at level 3
        Assert.Equal("eu", level3.Global["region"]);
        Assert.Equal("mqtt://plant", level3.Global["broker"]);
        Assert.Equal(["id"], level3.Internal.Keys);        // own Internal only
        Assert.Equal("flow", level3.Internal["id"]);
        Assert.False(level2.Internal.ContainsKey("root_only"));
        Assert.Equal("acme.plant-a.line-3", level3.Location.Path);

        // The parents are untouched.
        Assert.Equal("10.0.0.1", root.User["ip"]);
        Assert.Equal(502L, level2.User["port"]);
    }

    [Fact]
    public void Merge_overrides_whole_nested_maps_not_their_keys()
    {
        var parent = new VariableBundle(user: Map(("conn", Map(("host", "a"), ("port", 1)))));
        var child = new VariableBundle(user: Map(("conn", Map(("host", "b")))));

        var merged = VariableBundle.Merge(parent, child);

        var conn = (VariableMap)merged.User["conn"]!;
        Assert.Equal("b", conn["host"]);
        Assert.False(conn.ContainsKey("port"));
    }

    [Fact]
    public void Equal_content_gives_equal_bundles_and_the_same_stable_hash_regardless_of_order()
    {
        var a = new VariableBundle(
            user: new Dictionary<string, object?> { ["b"] = 2, ["a"] = new List<object?> { "x", 1.5, null }, ["m"] = Map(("k", true)) },
            global: Map(("g", 1m)));
        var b = new VariableBundle(
            user: new Dictionary<string, object?> { ["m"] = Map(("k", true)), ["a"] = new object?[] { "x", 1.5, null }, ["b"] = 2L },
            global: Map(("g", 1m)));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.Equal(64, a.ContentHash.Length);
    }

    [Fact]
    public void The_content_hash_is_a_fixed_function_of_the_content()
    {
        // Pinned, so a change to the canonical encoding (which would make every stored spec hash stale) is deliberate.
        var bundle = new VariableBundle(user: Map(("ip", "10.0.0.5"), ("port", 502)), global: Map(("region", "eu")));
        Assert.Equal(bundle.ContentHash, new VariableBundle(user: Map(("port", 502), ("ip", "10.0.0.5")), global: Map(("region", "eu"))).ContentHash);
        Assert.Equal(VariableBundle.Empty.ContentHash, new VariableBundle().ContentHash);
        Assert.Equal("3441f6504231d3bc2514308f04b6a3621245629a9190ff4b26b1506bb583fedb", bundle.ContentHash);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("global")]
    [InlineData("internal")]
    [InlineData("location")]
    public void Any_difference_changes_equality_and_hash(string where)
    {
        var baseline = new VariableBundle(Map(("a", 1)), Map(("a", 1)), Map(("a", 1)), new Isa95Location("e"));
        VariableBundle changed = where switch
        {
            "user" => baseline.WithUser(Map(("a", 2))),
            "global" => baseline.WithGlobal(Map(("a", 2))),
            "internal" => baseline.WithInternal(Map(("a", 2))),
            _ => baseline.WithLocation(new Isa95Location("f")),
        };

        Assert.NotEqual(baseline, changed);
        Assert.NotEqual(baseline.ContentHash, changed.ContentHash);
    }

    [Fact]
    public void Values_of_different_types_are_different()
    {
        var asInteger = new VariableBundle(user: Map(("v", 1)));
        var asString = new VariableBundle(user: Map(("v", "1")));
        var asDouble = new VariableBundle(user: Map(("v", 1.0)));

        Assert.NotEqual(asInteger, asString);
        Assert.NotEqual(asInteger, asDouble);
        Assert.NotEqual(asInteger.ContentHash, asString.ContentHash);
        Assert.NotEqual(asInteger.ContentHash, asDouble.ContentHash);
    }
}
