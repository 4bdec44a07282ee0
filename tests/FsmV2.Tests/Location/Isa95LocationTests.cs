namespace FsmV2.Tests.Location;

public class Isa95LocationTests
{
    [Theory]
    [InlineData("acme", "plant-a", null, "line-3", null, "acme.plant-a.line-3")]
    [InlineData("acme", "plant-a", "area-1", "line-3", "cell-9", "acme.plant-a.area-1.line-3.cell-9")]
    [InlineData(null, null, null, null, "cell-9", "cell-9")]
    [InlineData("acme", " ", "", null, null, "acme")]
    [InlineData(null, null, null, null, null, "")]
    public void Path_joins_the_set_levels_with_dots_skipping_empty_ones(string? enterprise, string? site, string? area, string? line, string? cell, string expected)
    {
        Assert.Equal(expected, new Isa95Location(enterprise, site, area, line, cell).Path);
    }

    [Fact]
    public void Merge_lets_the_child_override_and_extend_the_parent()
    {
        var parent = new Isa95Location("acme", "plant-a", "area-1");
        var child = new Isa95Location(site: "plant-b", line: "line-3");

        var merged = Isa95Location.Merge(parent, child);

        Assert.Equal(new Isa95Location("acme", "plant-b", "area-1", "line-3"), merged);
        Assert.Equal("acme.plant-b.area-1.line-3", merged.Path);
    }

    [Fact]
    public void Merge_with_an_empty_or_missing_side_keeps_the_other()
    {
        var parent = new Isa95Location("acme", "plant-a");

        Assert.Equal(parent, Isa95Location.Merge(parent, null));
        Assert.Equal(parent, Isa95Location.Merge(parent, Isa95Location.Empty));
        Assert.Equal(parent, Isa95Location.Merge(null, parent));
        Assert.Equal(Isa95Location.Empty, Isa95Location.Merge(null, null));
        Assert.Equal(new Isa95Location("acme", "plant-a", line: "l"), Isa95Location.Merge(parent, new Isa95Location(" ", "", line: "l")));
    }

    [Fact]
    public void A_level_with_a_dot_is_rejected_naming_the_level()
    {
        var e = Assert.Throws<ArgumentException>(() => new Isa95Location("acme", "plant.a"));
        Assert.Contains("Isa95Location.Site", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Isa95Location("acme") with { Cell = "c.1" });
    }

    [Fact]
    public void Template_variables_hold_all_five_levels()
    {
        var variables = new Isa95Location("acme", cell: "c1").ToVariables();

        Assert.Equal(["area", "cell", "enterprise", "line", "site"], variables.Keys);
        Assert.Equal("acme", variables["enterprise"]);
        Assert.Equal(string.Empty, variables["site"]);
        Assert.Equal("c1", variables["cell"]);
    }
}
