using System.Net;
using FlashSale.Admin;
using FlashSale.Web;

namespace FlashSale.Tests.Web;

/// <summary>
/// The sell-out curve's text says what the orders took as they were placed, not what is sold now: a later cancel is
/// not drawn as a drop, and "1,500 of 1,500 units sold within 4 s" stood beside the KPI "1,498 / 1,500" after two.
/// </summary>
public sealed class SellCurveTextTests
{
    [Fact]
    public void TheCurvesText_SaysWhatTheOrdersTookWhenPlaced_AndThatCancelsAreNotTakenOff()
    {
        var start = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
        // Each point is what was sold when its order was placed; two of these orders have been cancelled since.
        SellPoint[] points = [new(start, 1), new(start.AddSeconds(2), 900), new(start.AddSeconds(4), 1500)];

        var svg = Charts.Steps("sellout-chart", "Units sold over time", points, 1500).Value;
        var desc = WebUtility.HtmlDecode(svg[(svg.IndexOf("<desc", StringComparison.Ordinal))..svg.IndexOf("</desc>", StringComparison.Ordinal)]);

        Assert.DoesNotContain("units sold within", desc, StringComparison.Ordinal);
        Assert.Contains("Orders placed within 4 s of the start took 1,500 of 1,500 units", desc, StringComparison.Ordinal);
        Assert.Contains("units cancelled since are not taken off", desc, StringComparison.Ordinal);
    }
}
