using FlashSale.Drill.Checking;
using FlashSale.Drill.Reporting;

namespace FlashSale.Drill.Tests;

/// <summary>The printed summary in an 80-column console (a pipe, a CI log, a default terminal).</summary>
public sealed class SummaryRendererTests
{
    internal static DrillReport Report(params SaleSummary[] sales) => new(
        "soak", "http://127.0.0.1:5000/", DateTimeOffset.UnixEpoch, 15, 500, 64, 100, 200, 13.3,
        new LatencySummary(200, 500, 900, 1_000, 1_200, 2_000, 600), [new OutcomeCount("201", 200)], sales,
        [new Verdict("accounting", "G4", "sold + remaining == total", true, "fine", [])]);

    /// <summary>
    /// Each sale id whole on its line, to be copied into <c>--sale</c> or a curl. Until 2026-12-06 the Sales table wrapped
    /// it after 32 characters ("712720ee-50eb-4eda-9d1c-7f5b66d7" on one line, "c3b1" under it), and would have cut
    /// 8-digit counters.
    /// </summary>
    [Fact]
    public void SaleIds_AreNeverWrapped()
    {
        const string sale = "712720ee-50eb-4eda-9d1c-7f5b66d7c3b1";
        using var text = new StringWriter();

        SummaryRenderer.Write(ReportOutputTests.PlainConsole(text),
            Report(new SaleSummary(sale, "drill-soak-1", 10_000, 117, 9_883, 50, 80), new SaleSummary("42", null, 10_000_000, 9_999_999, 1, 1_000_000, 9_999_999)));

        var lines = text.ToString().Split('\n');
        Assert.Contains(lines, l => l.Contains(sale, StringComparison.Ordinal));
        // Its counters whole too, even at the largest stock and limit the drill accepts.
        Assert.Contains(lines, l => l.Contains("sold 117 · remaining 9883 · total 10000 · limit 50 · orders 80", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("sold 9999999 · remaining 1 · total 10000000 · limit 1000000 · orders 9999999", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, $"wider than the console: {l}"));
    }
}
