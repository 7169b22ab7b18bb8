using System.Globalization;
using System.Text.Json;

namespace FlashSale.Drill.Tests;

/// <summary>
/// Ctrl+C for real: the drill as a process against the real embedded server, stopped mid-flood with SIGINT and SIGTERM.
/// The first signal ends the run with the summary, the reports and the verdicts of what was done (exit 130 when they
/// hold); a second exits at once without them (exit 2).
/// </summary>
public sealed class DrillProcessInterruptTests(EmbeddedServer server) : IClassFixture<EmbeddedServer>, IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("drill-sigint-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    // A minute of flood the signal must cut short: 20 buyers, up to 100 units each, one attempt every 20 ms per VU. The
    // requests in flight at the signal get a grace of 7 s (--stop-grace), not the default 5 s.
    private DrillProcess StartLongRun() => DrillProcess.Start(EmbeddedServer.AdminPassword,
        "custom", "--url", server.BaseAddress.ToString(), "--users", "20", "--concurrency", "4", "--duration", "1m",
        "--think", "20ms", "--stock", "100000", "--limit", "100", "--stop-grace", "7s", "--out", _out);

    private static CancellationToken Bound => new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;

    [Fact]
    public async Task CtrlC_StopsTheFlood_PrintsTheSummaryMarkedInterrupted_WritesTheReports_Exits130()
    {
        await using var drill = StartLongRun();
        await drill.WaitUntilFloodingAsync(Bound);
        await Task.Delay(TimeSpan.FromSeconds(1), Bound);

        await drill.SignalAsync("INT");
        var exitCode = await drill.WaitForExitAsync(Bound);

        var stdout = drill.Stdout;
        Assert.True(exitCode == 130, $"exit {exitCode}\n{stdout}\n{drill.Stderr}");
        Assert.Contains("drill: SIGINT (Ctrl+C): stopping — no new requests; up to 7s for the", drill.Stderr, StringComparison.Ordinal);
        Assert.Contains("INTERRUPTED — partial run.", stdout, StringComparison.Ordinal);
        Assert.Contains("Invariants", stdout, StringComparison.Ordinal);
        Assert.Contains("All invariants hold on the partial run (interrupted).", stdout, StringComparison.Ordinal);
        Assert.Contains("Exit code 130: interrupted", stdout, StringComparison.Ordinal);

        var json = Assert.Single(Directory.GetFiles(_out, "*.json"));
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json, Bound));
        var root = report.RootElement;
        Assert.True(root.GetProperty("interrupted").GetBoolean());
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(130, root.GetProperty("exitCode").GetInt32());
        Assert.True(root.GetProperty("requests").GetInt64() > 0);
        Assert.True(root.GetProperty("floodSeconds").GetDouble() < 45,
            string.Create(CultureInfo.InvariantCulture, $"the flood ran {root.GetProperty("floodSeconds").GetDouble()} s of its 60"));
        Assert.All(root.GetProperty("verdicts").EnumerateArray(), v => Assert.True(v.GetProperty("passed").GetBoolean(), v.ToString()));
        // Sold something, and the server's count is what the drill read: its verdicts judged the real orders.
        var sale = Assert.Single(root.GetProperty("sales").EnumerateArray().ToList());
        Assert.True(sale.GetProperty("sold").GetInt32() > 0);
        var md = Assert.Single(Directory.GetFiles(_out, "*.md"));
        Assert.StartsWith("# FlashSale drill: custom — PASS (INTERRUPTED: partial run)", await File.ReadAllTextAsync(md, Bound),
            StringComparison.Ordinal);
    }

    /// <summary>
    /// One stop sent twice at once — SIGTERM to the process group, as <c>timeout</c> sends it, plus the one <c>dotnet run</c>
    /// forwards; here a TERM and an INT from one shell — is one stop: the summary, exit 130. Until 2026-12-07 the pair was
    /// a first and a second signal: exit 2 at once, no summary.
    /// </summary>
    [Fact]
    public async Task TwoSignalsAtOnce_AreOneStop_TheSummaryAndExit130()
    {
        await using var drill = StartLongRun();
        await drill.WaitUntilFloodingAsync(Bound);
        await Task.Delay(TimeSpan.FromSeconds(1), Bound);

        // Another kind each, which the kernel cannot merge into one.
        await drill.SignalAsync("TERM", "INT");
        var exitCode = await drill.WaitForExitAsync(Bound);

        Assert.True(exitCode == 130, $"exit {exitCode}\n{drill.Stdout}\n{drill.Stderr}");
        Assert.DoesNotContain("a second stop signal", drill.Stderr, StringComparison.Ordinal);
        Assert.Contains("All invariants hold on the partial run (interrupted).", drill.Stdout, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_out, "*.json"));
    }

    [Fact]
    public async Task ASecondSignal_ExitsAtOnce_WithoutASummary_Exit2()
    {
        // Through a proxy that stops passing answers on once the flood runs: after the first signal the drill waits (30 s of
        // stop grace, then a check whose reads hang too), so the second one, later than the same-stop half second, finds it busy.
        await using var proxy = new StallingProxy(server.BaseAddress);
        await using var drill = DrillProcess.Start(EmbeddedServer.AdminPassword,
            "custom", "--url", proxy.BaseAddress.ToString(), "--users", "20", "--concurrency", "4", "--duration", "1m",
            "--think", "20ms", "--stock", "100000", "--limit", "100", "--stop-grace", "30s", "--out", _out);
        await drill.WaitUntilFloodingAsync(Bound);
        proxy.Stall();

        // SIGTERM stops like Ctrl+C; the second signal (another kind, after the same-stop window) ends it.
        await drill.SignalAsync("TERM");
        await drill.WaitForStderrAsync("drill: SIGTERM:", Bound);
        await Task.Delay(Cli.StopSignalCount.SameStop + TimeSpan.FromMilliseconds(500), Bound);
        await drill.SignalAsync("INT");
        var exitCode = await drill.WaitForExitAsync(Bound);

        Assert.True(exitCode == 2, $"exit {exitCode}\n{drill.Stdout}\n{drill.Stderr}");
        Assert.Contains("drill: a second stop signal", drill.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Invariants", drill.Stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_out));
    }
}
