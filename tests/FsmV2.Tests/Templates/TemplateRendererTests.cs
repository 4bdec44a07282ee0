namespace FsmV2.Tests.Templates;

public class TemplateRendererTests
{
    private static readonly VariableBundle Vars = new(
        user: new Dictionary<string, object?>
        {
            ["ip"] = "10.0.0.5",
            ["port"] = 502,
            ["enabled"] = true,
            ["ratio"] = 0.25,
            ["nothing"] = null,
            ["conn"] = new Dictionary<string, object?> { ["host"] = "plc-1", ["timeout_ms"] = 500, ["tags"] = new[] { "temp", "pressure" } },
        },
        global: new Dictionary<string, object?> { ["region"] = "eu" },
        @internal: new Dictionary<string, object?> { ["id"] = "bridge-7" },
        location: new Isa95Location("acme", "plant-a", line: "line-3"));

    private readonly TemplateRenderer _renderer = new();

    [Theory]
    [InlineData("tcp://{{ ip }}:{{ port }}", "tcp://10.0.0.5:502")]
    [InlineData("{{ conn.host }}/{{ conn.timeout_ms }}", "plc-1/500")]
    [InlineData("{{ conn.tags[1] }} {{ conn.tags.size }} {{ conn['host'] }}", "pressure 2 plc-1")]
    [InlineData("{{ global.region }}-{{ internal.id }}", "eu-bridge-7")]
    [InlineData("{{ location_path }} {{ location.site }} [{{ location.area }}]", "acme.plant-a.line-3 plant-a []")]
    [InlineData("{% if enabled %}on{% else %}off{% endif %} {{ ratio }}", "on 0.25")]
    [InlineData("{% for t in conn.tags %}{{ t | upcase }};{% endfor %}", "TEMP;PRESSURE;")]
    [InlineData("[{{ nothing }}]", "[]")]
    [InlineData("a & b < c {{ ip }}", "a & b < c 10.0.0.5")]
    [InlineData("no template here", "no template here")]
    [InlineData("", "")]
    public void Renders_variables_from_every_namespace(string template, string expected)
    {
        TemplateResult result = _renderer.Render(template, Vars, "bridge-7", "address");

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("tcp://{{ missing }}:1", "missing")]
    [InlineData("{{ conn.port }}", "conn.port")]
    [InlineData("{{ conn.host.deeper }}", "conn.host.deeper")]
    [InlineData("{{ global.nope }}", "global.nope")]
    [InlineData("{{ internal.secret }}", "internal.secret")]
    [InlineData("{{ conn.tags[5] }}", "conn.tags[5]")]
    [InlineData("{{ conn['nope'] }}", "conn['nope']")]
    [InlineData("{% if conn.missing == 1 %}x{% endif %}", "conn.missing")]
    [InlineData("{% for t in conn.tags %}{{ t.name }}{% endfor %}", "t.name")]
    [InlineData("{{ ip | append: other }}", "other")]
    [InlineData("{{ missing | default: 'fallback' }}", "missing")]
    [InlineData("{{ a.b.c.d.e.f.g.h }}", "a")]
    public void A_missing_variable_is_an_error_naming_the_variable_the_child_and_the_field(string template, string variable)
    {
        TemplateResult result = _renderer.Render(template, Vars, "bridge-7", "address");

        Assert.False(result.IsSuccess);
        Assert.Null(result.Value);
        TemplateError error = result.Error!;
        Assert.Equal(TemplateErrorKind.UndefinedVariable, error.Kind);
        Assert.Equal(variable, error.VariableName);
        Assert.Equal("bridge-7", error.ChildName);
        Assert.Equal("address", error.Field);
        Assert.Equal(template, error.Template);
        Assert.Contains($"'{variable}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'bridge-7'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'address'", error.Message, StringComparison.Ordinal);
        Assert.Contains(template, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_variables_resolve_and_a_miss_deep_down_names_the_full_path()
    {
        object Deep(int depth) => depth == 0 ? "leaf" : new Dictionary<string, object?> { ["n"] = Deep(depth - 1) };
        var vars = new VariableBundle(user: new Dictionary<string, object?> { ["d"] = Deep(30) });
        string path = "d" + string.Concat(Enumerable.Repeat(".n", 30));

        Assert.Equal("leaf", _renderer.RenderOrThrow("{{ " + path + " }}", vars, "c", "f"));

        TemplateResult miss = _renderer.Render("{{ " + path + ".x }}", vars, "c", "f");
        Assert.Equal(path + ".x", miss.Error!.VariableName);
    }

    [Fact]
    public void The_throwing_convenience_carries_child_field_and_variable()
    {
        var e = Assert.Throws<TemplateRenderException>(() => _renderer.RenderOrThrow("{{ conn.port }}", Vars, "bridge-7", "address"));

        Assert.Equal("bridge-7", e.ChildName);
        Assert.Equal("address", e.Field);
        Assert.Equal("conn.port", e.VariableName);
        Assert.Equal(TemplateErrorKind.UndefinedVariable, e.Error!.Kind);
    }

    [Theory]
    [InlineData("hello {{ ip", 1, 12)]
    [InlineData("line one\nline two {% if %}", 2, 15)]
    [InlineData("{% for x in %}{% endfor %}", 1, null)]
    public void A_syntax_error_names_the_child_the_field_and_the_position(string template, int line, int? column)
    {
        TemplateResult result = _renderer.Render(template, Vars, "bridge-7", "address");

        TemplateError error = Assert.IsType<TemplateError>(result.Error);
        Assert.Equal(TemplateErrorKind.Syntax, error.Kind);
        Assert.Equal(line, error.Line);
        if (column is not null)
        {
            Assert.Equal(column, error.Column);
        }

        Assert.Contains($"line {line}, column {error.Column}", error.Message, StringComparison.Ordinal);
        Assert.Contains("'bridge-7'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'address'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_filter_is_an_error_naming_the_filter()
    {
        TemplateResult result = _renderer.Render("{{ ip | shout }}", Vars, "bridge-7", "address");

        Assert.Equal(TemplateErrorKind.UnknownFilter, result.Error!.Kind);
        Assert.Equal("shout", result.Error.VariableName);
        Assert.Contains("'shout'", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_template_is_an_error_not_an_exception()
    {
        TemplateResult result = _renderer.Render(null, Vars, "bridge-7", "address");

        Assert.Equal(TemplateErrorKind.MissingTemplate, result.Error!.Kind);
        Assert.Contains("'address'", result.Error.Message, StringComparison.Ordinal);
        Assert.Throws<TemplateRenderException>(() => result.GetValueOrThrow());
    }

    [Fact]
    public void Null_arguments_other_than_the_template_are_programming_errors()
    {
        Assert.Throws<ArgumentNullException>(() => _renderer.Render("x", null!, "c", "f"));
        Assert.Throws<ArgumentNullException>(() => _renderer.Render("x", Vars, null!, "f"));
        Assert.Throws<ArgumentNullException>(() => _renderer.Render("x", Vars, "c", null!));
    }

    [Theory]
    [InlineData("{{ ip.GetType }}", "ip.GetType")]
    [InlineData("{{ ip.Length }}", "ip.Length")]
    [InlineData("{{ conn.GetType.Assembly }}", "conn.GetType")]
    [InlineData("{{ global.GetHashCode }}", "global.GetHashCode")]
    [InlineData("{{ port.ToString }}", "port.ToString")]
    public void Templates_cannot_reach_dotnet_members(string template, string path)
    {
        TemplateResult result = _renderer.Render(template, Vars, "c", "f");

        Assert.Equal(TemplateErrorKind.UndefinedVariable, result.Error!.Kind);
        Assert.Equal(path, result.Error.VariableName);
    }

    [Fact]
    public void Templates_cannot_include_files()
    {
        TemplateResult result = _renderer.Render("{% include 'appsettings.json' %}", Vars, "c", "f");

        Assert.False(result.IsSuccess);
        Assert.Equal(TemplateErrorKind.Runtime, result.Error!.Kind);
    }

    [Theory]
    [InlineData("{{ port | divided_by: 0 }}")]
    [InlineData("{% render 'other' %}")]
    public void Failures_while_rendering_are_results_not_exceptions(string template)
    {
        TemplateResult result = _renderer.Render(template, Vars, "bridge-7", "address");

        Assert.Equal(TemplateErrorKind.Runtime, result.Error!.Kind);
        Assert.Contains("'bridge-7'", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("'address'", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_runaway_loop_is_stopped_by_the_step_limit()
    {
        var renderer = new TemplateRenderer(new TemplateRendererOptions { MaxSteps = 100 });

        TemplateResult result = renderer.Render("{% for i in (1..100000) %}{{ i }}{% endfor %}", Vars, "c", "f");

        Assert.Equal(TemplateErrorKind.Runtime, result.Error!.Kind);
    }

    [Theory]
    [InlineData(0, 10, "MaxCachedTemplates")]
    [InlineData(10, 0, "MaxSteps")]
    [InlineData(-1, 10, "MaxCachedTemplates")]
    public void Bad_options_fail_naming_the_option(int maxCached, int maxSteps, string option)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TemplateRenderer(new TemplateRendererOptions { MaxCachedTemplates = maxCached, MaxSteps = maxSteps }));
        Assert.Equal(option, e.ParamName);
        Assert.Contains("TemplateRendererOptions." + option, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_is_parsed_once_and_the_same_parse_is_reused()
    {
        const string template = "tcp://{{ ip }}:{{ port }}";

        _renderer.Render(template, Vars, "a", "address");
        object? first = _renderer.CachedParse(template);
        _renderer.Render(template, Vars.WithUser(new Dictionary<string, object?> { ["ip"] = "x", ["port"] = 1 }), "b", "address");

        Assert.NotNull(first);
        Assert.Same(first, _renderer.CachedParse(template));
        Assert.Equal(1, _renderer.ParseCount);
        Assert.Equal(1, _renderer.CachedTemplateCount);
    }

    [Fact]
    public void Plain_text_is_not_parsed_or_cached()
    {
        _renderer.Render("opc.tcp://fixed:4840", Vars, "a", "address");

        Assert.Equal(0, _renderer.ParseCount);
        Assert.Equal(0, _renderer.CachedTemplateCount);
    }

    [Fact]
    public void A_syntax_error_is_cached_too()
    {
        _renderer.Render("{{ ip", Vars, "a", "f");
        TemplateResult again = _renderer.Render("{{ ip", Vars, "b", "g");

        Assert.Equal(1, _renderer.ParseCount);
        Assert.Equal("b", again.Error!.ChildName);
        Assert.Equal("g", again.Error.Field);
    }

    [Fact]
    public void A_full_cache_is_emptied_and_refilled()
    {
        var renderer = new TemplateRenderer(new TemplateRendererOptions { MaxCachedTemplates = 2 });
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "10.0.0.5", renderer.RenderOrThrow(i + "{{ ip }}", Vars, "c", "f"));
        }

        Assert.True(renderer.CachedTemplateCount <= 2);
        Assert.Equal(5, renderer.ParseCount);
    }

    [Fact]
    public void Renders_are_independent_across_threads()
    {
        const string template = "{{ internal.id }}@{{ location_path }}";
        var results = new string[64];

        Parallel.For(0, results.Length, i =>
        {
            var vars = Vars.WithInternal(new Dictionary<string, object?> { ["id"] = "child-" + i });
            results[i] = _renderer.RenderOrThrow(template, vars, "child-" + i, "name");
        });

        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal($"child-{i}@acme.plant-a.line-3", results[i]);
        }

        Assert.Equal(1, _renderer.ParseCount);
    }
}
