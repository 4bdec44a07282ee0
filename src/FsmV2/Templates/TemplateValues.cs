using System.Globalization;
using Fluid;
using Fluid.Values;

namespace FsmV2;

/// <summary>
/// Turns variable maps into the template engine's own values (strings, numbers, booleans, dictionaries, arrays). Only
/// these plain values reach a template, which is what keeps it from touching any .NET object.
/// </summary>
internal static class TemplateValues
{
    private static readonly Func<VariableMap, object> CreateMapValue = static map => CreateMap(map);

    /// <summary>The map as one dictionary value (for nesting), built once per map.</summary>
    public static FluidValue For(VariableMap map) => Converted(map).Value;

    /// <summary>
    /// Puts every top-level variable of <paramref name="map"/> into the context's scope. Variables set this way (rather
    /// than through the context's model) are the ones the engine's strict mode names when a top-level variable is missing.
    /// </summary>
    public static void SetInto(TemplateContext context, VariableMap map)
    {
        foreach (var (key, value) in Converted(map).Entries)
        {
            context.SetValue(key, value);
        }
    }

    private static ConvertedMap Converted(VariableMap map) => (ConvertedMap)map.GetOrCreateTemplateValue(CreateMapValue);

    private static ConvertedMap CreateMap(VariableMap map)
    {
        var values = new Dictionary<string, FluidValue>(map.Count, StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            values[key] = Create(value);
        }

        return new ConvertedMap(new DictionaryValue(new FluidValueDictionaryFluidIndexable(values)), values.ToArray());
    }

    private static FluidValue Create(object? value) => value switch
    {
        // A declared null is a declared, empty value: it renders as nothing instead of failing as undefined.
        null => StringValue.Empty,
        string s => StringValue.Create(s),
        bool b => BooleanValue.Create(b),
        long l => NumberValue.Create(l),
        decimal m => NumberValue.Create(m),
        double d => Math.Abs(d) < (double)decimal.MaxValue
            ? NumberValue.Create((decimal)d)
            : StringValue.Create(d.ToString("R", CultureInfo.InvariantCulture)),
        VariableMap map => For(map),
        VariableList list => new ArrayValue(list.Select(Create).ToArray()),
        _ => throw new InvalidOperationException($"Unexpected variable value type '{value.GetType()}'."),
    };

    private sealed record ConvertedMap(DictionaryValue Value, KeyValuePair<string, FluidValue>[] Entries);
}
