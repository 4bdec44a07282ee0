namespace FsmV2.Tests.Variables;

public class VariableMapTests
{
    private sealed class Secret
    {
        public string Password { get; } = "hunter2";
    }

    [Fact]
    public void Values_are_normalized_and_copied()
    {
        var source = new Dictionary<string, object?>
        {
            ["i"] = 5,
            ["b"] = (byte)7,
            ["f"] = 1.5f,
            ["c"] = 'x',
            ["nested"] = new Dictionary<string, string> { ["k"] = "v" },
            ["list"] = new List<int> { 1, 2 },
        };

        var map = VariableMap.From(source);
        source["i"] = 6;

        Assert.Equal(5L, map["i"]);
        Assert.Equal(7L, map["b"]);
        Assert.Equal(1.5d, map["f"]);
        Assert.Equal("x", map["c"]);
        Assert.IsType<VariableMap>(map["nested"]);
        var list = Assert.IsType<VariableList>(map["list"]);
        Assert.Equal([1L, 2L], list);
    }

    [Fact]
    public void A_dotnet_object_is_rejected_naming_its_path()
    {
        var e = Assert.Throws<ArgumentException>(() => VariableMap.From(new Dictionary<string, object?>
        {
            ["conn"] = new Dictionary<string, object?> { ["auth"] = new Secret() },
        }));

        Assert.Contains("'conn.auth'", e.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Secret).FullName!, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Non_finite_numbers_are_rejected(double value)
    {
        var e = Assert.Throws<ArgumentException>(() => VariableMap.From([new("x", value)]));
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Blank_names_are_rejected(string key)
    {
        Assert.Throws<ArgumentException>(() => VariableMap.From([new(key, 1)]));
    }

    [Fact]
    public void Overlay_replaces_same_keys_and_keeps_the_rest()
    {
        var parent = VariableMap.From([new("a", 1), new("b", 2)]);
        var child = VariableMap.From([new("b", 3), new("c", 4)]);

        var merged = parent.Overlay(child);

        Assert.Equal(1L, merged["a"]);
        Assert.Equal(3L, merged["b"]);
        Assert.Equal(4L, merged["c"]);
        Assert.Same(parent, parent.Overlay(VariableMap.Empty));
        Assert.Equal(2L, parent["b"]);
    }

    [Fact]
    public void Deeply_nested_values_compare_structurally()
    {
        object Deep(int depth, string leaf) => depth == 0 ? leaf : new Dictionary<string, object?> { ["n"] = Deep(depth - 1, leaf), ["l"] = new[] { depth } };

        var a = VariableMap.From([new("root", Deep(40, "x"))]);
        var b = VariableMap.From([new("root", Deep(40, "x"))]);
        var c = VariableMap.From([new("root", Deep(40, "y"))]);

        Assert.Equal(a, b);
        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a.ContentHash, c.ContentHash);
    }
}
