using System.Globalization;
using System.Net;
using System.Text;

namespace FsmV2.Dashboard;

/// <summary>
/// Draws a worker type's declared states and transitions as inline SVG: a layered layout (a state's column is its
/// distance from the initial state), forward edges as straight arrows, edges back or within a column as arcs. Each
/// state is a <c>&lt;g class="state" data-state="Name"&gt;</c>, so the page highlights the current one by class.
/// </summary>
internal static class StateGraph
{
    private const int NodeWidth = 150;
    private const int NodeHeight = 34;
    private const int ColumnGap = 70;
    private const int RowGap = 22;
    private const int Margin = 30;

    /// <summary>The SVG of <paramref name="definition"/>; <paramref name="index"/> keeps its marker id unique on the page.</summary>
    public static string Render(WorkerDefinition definition, int index)
    {
        int[] layer = Layers(definition);
        (double X, double Y)[] at = Positions(layer, out int width, out int height);
        string marker = "fsmv2-arrow-" + index.ToString(CultureInfo.InvariantCulture);
        string type = WebUtility.HtmlEncode(definition.WorkerType);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"fsm-graph\" data-worker-type=\"{type}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"State graph of {type}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<defs><marker id=\"{marker}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>");
        for (int from = 0; from < definition.StateCount; from++)
        {
            foreach (int to in definition.GetTransitions(from))
            {
                if (to != from)
                {
                    AppendEdge(svg, at[from], at[to], layer[to] > layer[from], marker, definition.GetStateName(from), definition.GetStateName(to));
                }
            }
        }

        for (int state = 0; state < definition.StateCount; state++)
        {
            AppendNode(svg, definition, state, at[state]);
        }

        return svg.Append("</svg>").ToString();
    }

    // Breadth first from the initial state; states it cannot reach go one column past the last.
    internal static int[] Layers(WorkerDefinition definition)
    {
        int n = definition.StateCount;
        int[] layer = new int[n];
        Array.Fill(layer, -1);
        var queue = new Queue<int>();
        layer[definition.InitialState] = 0;
        queue.Enqueue(definition.InitialState);
        while (queue.TryDequeue(out int state))
        {
            foreach (int to in definition.GetTransitions(state))
            {
                if (layer[to] < 0)
                {
                    layer[to] = layer[state] + 1;
                    queue.Enqueue(to);
                }
            }
        }

        int unreachable = layer.Max() + 1;
        for (int i = 0; i < n; i++)
        {
            layer[i] = layer[i] < 0 ? unreachable : layer[i];
        }

        return layer;
    }

    private static (double X, double Y)[] Positions(int[] layer, out int width, out int height)
    {
        int columns = layer.Max() + 1;
        int[] rows = new int[columns];
        var at = new (double X, double Y)[layer.Length];
        for (int i = 0; i < layer.Length; i++)
        {
            at[i] = (Margin + (layer[i] * (NodeWidth + ColumnGap)), Margin + (rows[layer[i]]++ * (NodeHeight + RowGap)));
        }

        width = (2 * Margin) + (columns * NodeWidth) + (columns * ColumnGap); // the last gap holds the same-column arcs
        height = (2 * Margin) + (rows.Max() * (NodeHeight + RowGap)) - RowGap;
        return at;
    }

    private static void AppendEdge(StringBuilder svg, (double X, double Y) from, (double X, double Y) to, bool forward, string marker, string fromName, string toName)
    {
        string d;
        string kind;
        if (forward)
        {
            kind = string.Empty;
            d = FormattableString.Invariant($"M{from.X + NodeWidth},{from.Y + (NodeHeight / 2.0)} L{to.X},{to.Y + (NodeHeight / 2.0)}");
        }
        else if (from.X == to.X)
        {
            // Within a column: a bulge to the right, from the right side of one to the right side of the other.
            kind = " same";
            double x = from.X + NodeWidth, y1 = from.Y + (NodeHeight * (from.Y < to.Y ? 0.7 : 0.3)), y2 = to.Y + (NodeHeight * (from.Y < to.Y ? 0.3 : 0.7));
            double bulge = x + (ColumnGap * (from.Y < to.Y ? 0.35 : 0.6));
            d = FormattableString.Invariant($"M{x},{y1} C{bulge},{y1} {bulge},{y2} {x},{y2}");
        }
        else
        {
            // Back to an earlier column: an arc over the nodes, from the top of one to the top of the other.
            kind = " back";
            double x1 = from.X + (NodeWidth * 0.35), x2 = to.X + (NodeWidth * 0.65);
            double lift = Math.Min(from.Y, to.Y) - Margin + 4;
            d = FormattableString.Invariant($"M{x1},{from.Y} C{x1},{lift} {x2},{lift} {x2},{to.Y}");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<path class=\"edge{kind}\" d=\"{d}\" marker-end=\"url(#{marker})\"><title>{WebUtility.HtmlEncode(fromName)} → {WebUtility.HtmlEncode(toName)}</title></path>");
    }

    private static void AppendNode(StringBuilder svg, WorkerDefinition definition, int state, (double X, double Y) at)
    {
        string name = WebUtility.HtmlEncode(definition.GetStateName(state));
        string classes = "state phase-" + definition.GetPhase(state)
            + (state == definition.InitialState ? " initial" : string.Empty)
            + (definition.IsTerminal(state) ? " terminal" : string.Empty);
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"{classes}\" data-state=\"{name}\">")
            .Append(CultureInfo.InvariantCulture, $"<rect x=\"{at.X}\" y=\"{at.Y}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"8\"/>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{at.X + (NodeWidth / 2.0)}\" y=\"{at.Y + (NodeHeight / 2.0) + 5}\" text-anchor=\"middle\">{name}</text>")
            .Append(CultureInfo.InvariantCulture, $"<title>{name} ({definition.GetPhase(state)})</title></g>");
    }
}
