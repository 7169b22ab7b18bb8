using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Admin;
using FlashSale.Web;

namespace FlashSale.Tests.Web;

/// <summary>
/// The charts' value axis: gridlines a round step apart, each labelled with the value it stands at. Until 2026-12-06 the
/// lines were a quarter of the largest value apart, so revenue read "19.13 USD" and "57.38 USD", and a sell-out curve of
/// 10 units labelled its lines at 2.5 and 7.5 "2" and "7".
/// </summary>
public sealed partial class ChartScaleTests
{
    [Theory]
    [InlineData("76.5", false, "80", "20")]
    [InlineData("88.88", false, "100", "20")]
    [InlineData("999.99", false, "1000", "200")]
    [InlineData("1599", false, "2000", "500")]
    [InlineData("1", false, "1", "0.2")]
    [InlineData("0.3", false, "0.3", "0.1")]
    [InlineData("12345678", false, "12500000", "2500000")]
    [InlineData("10", true, "10", "2")]
    [InlineData("5", true, "5", "1")]
    [InlineData("7", true, "8", "2")]
    [InlineData("3", true, "3", "1")]
    [InlineData("1", true, "1", "1")]
    [InlineData("1500", true, "1500", "500")]
    [InlineData("12", true, "15", "5")]
    public void TheAxis_EndsAtTheFirstRoundStepAtOrAboveTheLargestValue(string max, bool whole, string top, string step)
    {
        var scale = Charts.Scale(decimal.Parse(max, CultureInfo.InvariantCulture), whole);

        Assert.Equal(decimal.Parse(top, CultureInfo.InvariantCulture), scale.Top);
        Assert.Equal(decimal.Parse(step, CultureInfo.InvariantCulture), scale.Step);
        Assert.Equal(scale.Top, scale.Step * scale.Steps);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(100, false)]
    [InlineData(100, true)]
    public void EveryLargestValue_GetsAtMostFiveRoundSteps_ThatReachIt(int scaleOf, bool whole)
    {
        // 0.01 to 100.00, 1.00 to 10,000.00 or 1 to 10,000 units in small increments: every step is 1, 2, 2.5 or 5 times a power of ten,
        // a whole number for counts, and the axis reaches the value with at most five of them and no step to spare.
        for (var n = 1; n <= 10_000; n += 7)
        {
            var max = whole ? n : n * scaleOf / 100m;
            var scale = Charts.Scale(max, whole);
            var mantissa = scale.Step;
            while (mantissa >= 10) { mantissa /= 10; }
            while (mantissa < 1) { mantissa *= 10; }

            Assert.Contains(mantissa, new[] { 1m, 2m, 2.5m, 5m });
            Assert.True(!whole || scale.Step == decimal.Truncate(scale.Step), $"{max}: step {scale.Step}");
            Assert.InRange(scale.Steps, 1, 5);
            Assert.True(scale.Top >= max && scale.Top - scale.Step < max, $"{max}: top {scale.Top}, step {scale.Step}");
        }
    }

    [Fact]
    public void TheSellOutCurve_LabelsEachGridlineWithTheWholeNumberItStandsAt()
    {
        var start = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
        SellPoint[] points = [new(start, 0), new(start.AddSeconds(2), 3)];

        var svg = Charts.Steps("sellout-chart", "Units sold over time", points, 10).Value;

        var gridlines = Gridlines(svg);
        Assert.Equal(new[] { "0", "2", "4", "6", "8", "10" }, gridlines.Select(g => g.Label));
        // Evenly spaced from the bottom of the plot (y 204) to its top (y 16): each label on its own line's height.
        Assert.Equal(new[] { 204, 166.4, 128.8, 91.2, 53.6, 16 }, gridlines.Select(g => Math.Round(g.Y, 1)));
    }

    [Fact]
    public void RevenueBars_StandOnTheSameScaleAsTheirRoundGridlines()
    {
        var svg = Charts.Bars("revenue-chart-usd", "Revenue by day", [("6 Dec", 76.5m)], v => Format.Money(v, "USD"),
            v => Format.Compact(v, "USD")).Value;

        Assert.Equal(new[] { "0 USD", "20 USD", "40 USD", "60 USD", "80 USD" }, Gridlines(svg).Select(g => g.Label));
        // 76.5 of an axis of 80 over a plot 188 high: 179.8 (it was drawn to the top, 188, on an axis that ended at 76.5).
        var bar = BarHeight().Match(svg);
        Assert.True(bar.Success, svg);
        Assert.Equal(179.8, double.Parse(bar.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static List<(string Label, double Y)> Gridlines(string svg) =>
        [.. GridLabel().Matches(svg).Select(m => (WebUtility.HtmlDecode(m.Groups[2].Value),
            double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) - 4))];

    [GeneratedRegex("""<text class="axis value" x="76" y="([0-9.]+)" text-anchor="end">([^<]*)</text>""")]
    private static partial Regex GridLabel();

    [GeneratedRegex(""""<rect class="bar" [^>]*height="([0-9.]+)"""")]
    private static partial Regex BarHeight();
}
