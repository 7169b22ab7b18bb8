using System.Diagnostics;
using System.Globalization;
using FlashSale.Admin;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>Charts as inline SVG drawn on the server: no library, no script, readable by screen readers.</summary>
public static class Charts
{
    private const int Width = 640;
    private const int Height = 240;
    // Room for the widest axis label, right-aligned 8 units from the plot: "12.5k MWK" ("88.88 MWK" was cut to "8.88 MWK" at 72).
    private const int Left = 84;
    private const int Right = 16;
    private const int Top = 16;
    private const int Bottom = 36;
    private const int MaxSteps = 5;

    public static Html Bars(string id, string title, IReadOnlyList<(string Label, decimal Value)> bars, Func<decimal, string> format,
        Func<decimal, string> axis)
    {
        if (bars.Count == 0)
        {
            return H($"""<p class="empty">No sales yet: the chart appears with the first order.</p>""");
        }

        var scale = Scale(Math.Max(bars.Max(b => b.Value), 1m), whole: false);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var slot = (double)plotW / bars.Count;
        var barW = Math.Min(56, slot * 0.7);
        var parts = new List<Html> { Grid(scale) };
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var h = (double)(value / scale.Top) * plotH;
            var x = Left + (i * slot) + ((slot - barW) / 2);
            var y = Top + plotH - h;
            parts.Add(H($"""
                <rect class="bar" x="{N(x)}" y="{N(y)}" width="{N(barW)}" height="{N(h)}" rx="3"><title>{label}: {format(value)}</title></rect>
                <text class="axis" x="{N(x + (barW / 2))}" y="{Height - 14}" text-anchor="middle">{label}</text>
                """));
        }

        parts.Add(Values(scale, axis));
        var summary = string.Join(", ", bars.Select(b => $"{b.Label}: {format(b.Value)}"));
        return Svg(id, title, summary, parts);
    }

    /// <summary>The sell-out curve: cumulative units over time, as a step line up to the stock line.</summary>
    public static Html Steps(string id, string title, IReadOnlyList<SellPoint> points, int totalStock)
    {
        if (points.Count < 2)
        {
            return H($"""<p class="empty">No units sold yet: the curve appears with the first order.</p>""");
        }

        var start = points[0].At;
        var span = Math.Max((points[^1].At - start).TotalSeconds, 1);
        var scale = Scale(Math.Max(totalStock, points[^1].UnitsSold), whole: true);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double X(DateTimeOffset at) => Left + ((at - start).TotalSeconds / span * plotW);
        double Y(int units) => Top + plotH - ((double)units / (double)scale.Top * plotH);
        var path = new System.Text.StringBuilder($"M{N(X(start))},{N(Y(0))}");
        var previous = 0;
        foreach (var point in points.Skip(1))
        {
            path.Append(CultureInfo.InvariantCulture, $" L{N(X(point.At))},{N(Y(previous))} L{N(X(point.At))},{N(Y(point.UnitsSold))}");
            previous = point.UnitsSold;
        }

        var stockY = Y(totalStock);
        var parts = new List<Html>
        {
            Grid(scale),
            H($"""<line class="limit" x1="{Left}" x2="{Width - Right}" y1="{N(stockY)}" y2="{N(stockY)}"/>"""),
            H($"""<text class="axis stock" x="{Width - Right}" y="{N(stockY - 6)}" text-anchor="end">stock {Format.Number(totalStock)}</text>"""),
            H($"""<path class="line" d="{path.ToString()}"/>"""),
            H($"""<text class="axis" x="{Left}" y="{Height - 14}">{Format.Utc(start)}</text>"""),
            H($"""<text class="axis" x="{Width - Right}" y="{Height - 14}" text-anchor="end">+{Format.Duration(points[^1].At - start)}</text>"""),
            Values(scale, v => Format.Number((long)v)),
        };
        // Each point is what was sold when its order was placed; a later cancel is not taken off (docs/web.md), so the
        // text says what the orders took, not what is sold now (the KPI beside it): "1,500 of 1,500 units sold" read
        // false beside "1,498 / 1,500" after two cancels.
        var summary = $"Orders placed within {Format.Duration(points[^1].At - start)} of the start took {Format.Number(points.Max(p => p.UnitsSold))} of {Format.Number(totalStock)} units, counted as each order was placed: units cancelled since are not taken off.";
        return Svg(id, title, summary, parts);
    }

    /// <summary>
    /// The value axis: gridlines a round step apart (1, 2, 2.5 or 5 times a power of ten; a whole number for counts), at
    /// most <see cref="MaxSteps"/> of them, up to the first at or above <paramref name="max"/>. Until 2026-12-06 the
    /// lines were a quarter of the largest value apart: revenue read "19.13 USD" and "57.38 USD", and a sell-out curve of
    /// 10 units labelled its lines at 2.5 and 7.5 "2" and "7" (the admin read 3 units sold as under 3).
    /// </summary>
    internal static AxisScale Scale(decimal max, bool whole)
    {
        max = Math.Max(max, whole ? 1m : 0.01m);
        var magnitude = 1m;
        while (magnitude * MaxSteps > max)
        {
            magnitude /= 10;
        }

        while (magnitude * 10 * MaxSteps <= max)
        {
            magnitude *= 10;
        }

        // magnitude <= max / MaxSteps < 10 * magnitude, so a step of 10 * magnitude always fits.
        foreach (var factor in (ReadOnlySpan<decimal>)[1m, 2m, 2.5m, 5m, 10m])
        {
            var step = factor * magnitude;
            if (whole && (step < 1 || step != decimal.Truncate(step)))
            {
                continue;
            }

            var steps = (int)decimal.Ceiling(max / step);
            if (steps <= MaxSteps)
            {
                return new AxisScale(steps * step, step, steps);
            }
        }

        throw new UnreachableException($"No step for an axis up to {max}.");
    }

    private static Html Grid(AxisScale scale) =>
        Join(Enumerable.Range(0, scale.Steps + 1).Select(i => H($"""
            <line class="grid" x1="{Left}" x2="{Width - Right}" y1="{N(GridY(scale, i))}" y2="{N(GridY(scale, i))}"/>
            """)));

    /// <summary>
    /// The gridlines' values, drawn after the data: in the left margin here, and on a phone (site.css) inside the plot
    /// under their lines, larger, with a halo where they cross a bar (the 0 left out there: the x axis' labels are below it).
    /// </summary>
    private static Html Values(AxisScale scale, Func<decimal, string> format) => H($"""
        <g class="values">{Join(Enumerable.Range(0, scale.Steps + 1).Select(i => H($"""
            <text class="axis value" x="{Left - 8}" y="{N(GridY(scale, i) + 4)}" text-anchor="end">{format(scale.Step * i)}</text>
            """)))}</g>
        """);

    private static double GridY(AxisScale scale, int i) => Top + (Height - Top - Bottom) * (1 - ((double)i / scale.Steps));

    /// <summary>An axis from 0 to <paramref name="Top"/> in <paramref name="Steps"/> gridlines <paramref name="Step"/> apart.</summary>
    internal readonly record struct AxisScale(decimal Top, decimal Step, int Steps);

    private static Html Svg(string id, string title, string summary, IEnumerable<Html> parts) => H($"""
        <svg class="chart" id="{id}" viewBox="0 0 {Width} {Height}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMidYMid meet">
          <title id="{id}-title">{title}</title>
          <desc id="{id}-desc">{summary}</desc>
          {parts}
        </svg>
        """);

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
