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

    /// <summary>
    /// The flood's length is precise enough to divide the requests by: a seed's 50 requests in 143 ms are 349.7 req/s, and
    /// until 2026-12-07 its flood read "0.1 s" (500 req/s). Milliseconds under 10 s, tenths of a second above.
    /// </summary>
    [Theory]
    [InlineData(0.143, "143 ms")]
    [InlineData(0.0014, "1.4 ms")]
    [InlineData(9.876, "9876 ms")]
    [InlineData(12.34, "12.3 s")]
    [InlineData(120, "120.0 s")]
    public void TheFloodTime_IsPreciseEnoughToDivideBy(double seconds, string expected) =>
        Assert.Equal(expected, SummaryRenderer.FloodTime(seconds));

    [Fact]
    public void AShortFlood_IsShownInMilliseconds_BesideItsThroughput()
    {
        using var text = new StringWriter();

        SummaryRenderer.Write(ReportOutputTests.PlainConsole(text), Report() with { FloodSeconds = 0.143, Requests = 50, RequestsPerSecond = 349.7 });

        Assert.Contains(text.ToString().Split('\n'), l => l.Contains("flood", StringComparison.Ordinal) && l.Contains("143 ms", StringComparison.Ordinal));
    }

    /// <summary>
    /// The server setting a failure names is printed whole on its own line, outside the table, so that it can be pasted;
    /// until 2026-12-07 it was wrapped inside the all-answered cell.
    /// </summary>
    [Fact]
    public void AVerdictsHint_IsPrintedOnLinesOfItsOwn_OutsideTheTable()
    {
        var verdict = new Verdict("all-answered", "G7", "Every request answered", false, "73 of 900 requests unanswered",
            ["no answer (ConnectionError) × 73"]) { Hint = Checking.AnsweredCheck.ConnectionCapHint(73) };
        using var text = new StringWriter();

        SummaryRenderer.Write(ReportOutputTests.PlainConsole(text), Report() with { Verdicts = [verdict] });

        var lines = text.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("  Limits__MaxConnectionsPerClient=0", lines);
        Assert.All(lines.Where(l => l.Contains("Limits__", StringComparison.Ordinal)), l => Assert.DoesNotContain("│", l, StringComparison.Ordinal));
    }
}
