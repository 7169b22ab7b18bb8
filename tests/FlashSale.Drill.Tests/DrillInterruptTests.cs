using System.Globalization;
using FlashSale.Drill.Cli;
using FlashSale.Drill.Load;
using FlashSale.Drill.Reporting;

namespace FlashSale.Drill.Tests;

/// <summary>
/// An interrupted run in-process, through the stop token the SIGINT/SIGTERM handler cancels (the signals themselves:
/// <see cref="DrillProcessInterruptTests"/>): no new requests, a grace for those in flight, then the verdicts on what was done.
/// </summary>
public sealed class DrillInterruptTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    // A long run (30 s) the interrupt must cut short: buyers buy up to 100 units each, one every 20 ms.
    private static DrillOptions LongRun => DrillOptions.ForPreset(Preset.Custom) with
    {
        AdminPassword = "pw", Quiet = true, Users = 20, Concurrency = 4, Duration = TimeSpan.FromSeconds(30),
        ThinkMin = TimeSpan.FromMilliseconds(20), ThinkMax = TimeSpan.FromMilliseconds(20), Stock = 10_000, Limit = 100,
        Deadline = TimeSpan.FromMinutes(2), StopGrace = Grace,
    };

    /// <summary>Cancels <paramref name="interrupt"/> once the server has seen <paramref name="purchases"/> purchases.</summary>
    private static void InterruptAfter(FakeFlashSaleServer server, int purchases, CancellationTokenSource interrupt)
    {
        var seen = 0;
        server.OnRequest = uri =>
        {
            if (uri.AbsolutePath.EndsWith("/purchases", StringComparison.Ordinal) && Interlocked.Increment(ref seen) == purchases)
            {
                // As the signal handler does, from another thread than the request's.
                _ = Task.Run(interrupt.Cancel);
            }
        };
    }

    // Read once the run has returned: nothing is sent then.
    private static int Purchases(FakeFlashSaleServer server) =>
        server.Requested.Count(u => u.AbsolutePath.EndsWith("/purchases", StringComparison.Ordinal));

    private static string Describe(DrillReport report) =>
        string.Join("\n", report.Verdicts.Select(v => $"{v.Id}: {v.Detail} {string.Join("; ", v.Examples)}"));

    [Fact]
    public async Task AnInterruptedRun_StopsSending_AndChecksWhatWasDone_Exit130()
    {
        var server = new FakeFlashSaleServer();
        using var http = new HttpClient(server);
        using var interrupt = new CancellationTokenSource();
        InterruptAfter(server, 40, interrupt);

        var report = await DrillRunner.RunAsync(LongRun, http, new LiveStats(), interrupt.Token, TestContext.Token);

        Assert.True(report.Passed, Describe(report));
        Assert.True(report.Interrupted);
        Assert.Equal(DrillReport.InterruptedExitCode, report.ExitCode);
        Assert.True(report.FloodSeconds < 20, $"the flood ran {report.FloodSeconds} s of its 30");
        // Every request sent is in the report, and after the 40th only those already on their way went out (one per VU at most).
        Assert.Equal(Purchases(server), report.Requests);
        Assert.InRange(report.Requests, 40, 40 + LongRun.Concurrency);
        Assert.Contains(report.Outcomes, o => o.Outcome == "201");
        Assert.DoesNotContain(report.Outcomes, o => o.Outcome.StartsWith("no answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAttemptSendingItsCopiesOneAfterAnother_SendsNoFurtherCopyAfterTheInterrupt()
    {
        // Three copies per key: even attempts send them one after another, odd ones all at once (AttemptSender).
        var server = new FakeFlashSaleServer();
        using var http = new HttpClient(server);
        using var interrupt = new CancellationTokenSource();
        var before = new HashSet<string>();
        var furtherCopies = new List<string>();
        var purchases = 0;
        server.OnPurchase = sent =>
        {
            var key = sent!;
            lock (before)
            {
                if (interrupt.IsCancellationRequested)
                {
                    // A key of a sequential attempt sent before the interrupt and sent again after it: another copy of an
                    // attempt under way. (An odd attempt's copies all leave at once, before the interrupt; the fake server
                    // may see some of them after it.)
                    if (before.Contains(key) && Sequential(key))
                    {
                        furtherCopies.Add(key);
                    }

                    return;
                }

                // Interrupted at the first copy of a sequential attempt (keys end in the attempt number): two copies to go.
                var first = before.Add(key);
                if (++purchases >= 30 && first && Sequential(key))
                {
                    interrupt.Cancel();
                }
            }
        };
        // One virtual user: the interrupt is then raised while that user's own copy is at the server, so every copy the
        // server sees after it was decided after it. With several, another user may have decided on its next copy just
        // before the interrupt and had it arrive just after (a fresh-clone CI run saw one): not a copy sent after it.
        var options = LongRun with { Concurrency = 1, Retries = 3, ThinkMin = TimeSpan.Zero, ThinkMax = TimeSpan.Zero };

        // Keys end in the attempt number; even attempts send their copies one after another.
        static bool Sequential(string key) => long.Parse(key[(key.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture) % 2 == 0;

        var report = await DrillRunner.RunAsync(options, http, new LiveStats(), interrupt.Token, TestContext.Token);

        Assert.True(report.Passed, Describe(report));
        Assert.True(report.Interrupted);
        Assert.Empty(furtherCopies);
    }

    [Fact]
    public async Task RequestsStillInFlightAfterTheGrace_AreCutOff_TheirOrdersNoPhantoms_NotUnanswered()
    {
        // Every fifth sale is recorded and never answered: at the interrupt, those are in flight, and the grace runs out.
        var server = new FakeFlashSaleServer(FakeServerBug.EveryFifthSaleHangs);
        using var http = new HttpClient(server);
        using var interrupt = new CancellationTokenSource();
        InterruptAfter(server, 12, interrupt);
        var options = LongRun with { Concurrency = 8, Limit = 1, RequestTimeout = TimeSpan.FromSeconds(60) };

        var report = await DrillRunner.RunAsync(options, http, new LiveStats(), interrupt.Token, TestContext.Token);

        Assert.True(report.Passed, Describe(report));
        Assert.Equal(DrillReport.InterruptedExitCode, report.ExitCode);
        var cutOff = Assert.Single(report.Outcomes, o => o.Outcome == "no answer (interrupted)").Count;
        Assert.InRange(cutOff, 1, options.Concurrency);
        Assert.Contains($"{cutOff} still in flight when the interrupt's grace ran out",
            Assert.Single(report.Verdicts, v => v.Id == "all-answered").Detail, StringComparison.Ordinal);
        Assert.Contains($"{cutOff} of them got no 2xx back",
            Assert.Single(report.Verdicts, v => v.Id == "no-phantom-orders").Detail, StringComparison.Ordinal);
        // The cut-off requests bought: their orders are on the server, none acknowledged.
        Assert.Equal(Assert.Single(report.Sales).Orders, report.Outcomes.Single(o => o.Outcome == "201").Count + cutOff);
        // A cut-off request has no latency: the histogram holds the answered ones only.
        Assert.Equal(report.Requests - cutOff, report.Latency.Count);
    }

    [Fact]
    public async Task AStopGraceLongerThanTheSlowestAnswer_WaitsForIt_NothingIsCutOff()
    {
        // Every fifth purchase that buys is answered 6 s late: past the default grace (5 s), well inside the one given.
        var server = new FakeFlashSaleServer(FakeServerBug.EveryFifthSaleAnswersLate);
        using var http = new HttpClient(server);
        using var interrupt = new CancellationTokenSource();
        InterruptAfter(server, 12, interrupt);
        var options = LongRun with { Concurrency = 8, Limit = 1, StopGrace = TimeSpan.FromSeconds(30) };

        var report = await DrillRunner.RunAsync(options, http, new LiveStats(), interrupt.Token, TestContext.Token);

        Assert.True(report.Passed, Describe(report));
        Assert.True(report.Interrupted);
        Assert.DoesNotContain(report.Outcomes, o => o.Outcome.StartsWith("no answer", StringComparison.Ordinal));
        // The late answers were waited for: every order on the server was answered 201.
        Assert.Equal(Assert.Single(report.Sales).Orders, report.Outcomes.Single(o => o.Outcome == "201").Count);
        Assert.Equal(report.Requests, report.Latency.Count);
    }

    [Fact]
    public async Task AnInterruptedRunThatFoundAViolation_ExitsOne_NotTheInterruptedCode()
    {
        var server = new FakeFlashSaleServer(FakeServerBug.LoseEveryThirdOrder);
        using var http = new HttpClient(server);
        using var interrupt = new CancellationTokenSource();
        InterruptAfter(server, 20, interrupt);

        var report = await DrillRunner.RunAsync(LongRun, http, new LiveStats(), interrupt.Token, TestContext.Token);

        Assert.True(report.Interrupted);
        Assert.Contains(report.Verdicts, v => v is { Id: "acks-are-orders", Passed: false });
        Assert.Equal(1, report.ExitCode);
    }

    /// <summary>
    /// The hard deadline passing during the flood stops it as Ctrl+C does, and what was done is checked and reported, the
    /// deadline named and an exit code of its own. Until 2026-12-07 it threw every result away: exit 2, no summary.
    /// </summary>
    [Fact]
    public async Task TheDeadlinePassingDuringTheFlood_StopsIt_AndChecksWhatWasDone_Exit5()
    {
        var server = new FakeFlashSaleServer();
        using var http = new HttpClient(server);
        // Bounded by its attempts (a million: the flood's own 10-minute cap), the deadline of 4 s cuts it: the setup takes
        // about one (the sale opens a second after it is created).
        var options = LongRun with { Duration = null, Requests = 1_000_000, Deadline = TimeSpan.FromSeconds(4) };

        var report = await DrillRunner.RunAsync(options, http, new LiveStats(), CancellationToken.None, TestContext.Token);

        Assert.True(report.Passed, Describe(report));
        Assert.True(report.DeadlineHit);
        Assert.False(report.Interrupted);
        Assert.Equal(DrillReport.DeadlineExitCode, report.ExitCode);
        Assert.Equal(Purchases(server), report.Requests);
        Assert.InRange(report.Requests, 1, 999_999);
        Assert.Contains(report.Outcomes, o => o.Outcome == "201");

        using var text = new StringWriter();
        SummaryRenderer.Write(ReportOutputTests.PlainConsole(text), report);
        // Read as one line: the 80-column console wraps the long ones.
        var summary = System.Text.RegularExpressions.Regex.Replace(text.ToString(), @"\s+", " ");
        Assert.StartsWith("DEADLINE — partial run. The hard deadline (4s, --deadline) stopped the flood after", summary, StringComparison.Ordinal);
        Assert.Contains("All invariants hold on the partial run (the --deadline of 4s cut the flood).", summary, StringComparison.Ordinal);
        Assert.Contains("Exit code 5: the hard deadline cut the flood, every invariant held on what was done.", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInterruptBeforeTheFlood_EndsTheRun_WithNoPurchaseSent()
    {
        var server = new FakeFlashSaleServer();
        using var http = new HttpClient(server);
        using var interrupt = new CancellationTokenSource();
        // Interrupted while the buyers are minted.
        server.OnRequest = uri =>
        {
            if (uri.AbsolutePath.EndsWith("/admin/tokens", StringComparison.Ordinal))
            {
                interrupt.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            DrillRunner.RunAsync(LongRun, http, new LiveStats(), interrupt.Token, TestContext.Token));

        Assert.Equal(0, Purchases(server));
    }

    [Fact]
    public async Task TheInterruptedReport_IsMarkedSo_InTheSummaryTheJsonAndTheMarkdown()
    {
        var directory = Directory.CreateTempSubdirectory("drill-interrupt-").FullName;
        try
        {
            var server = new FakeFlashSaleServer();
            using var http = new HttpClient(server);
            using var interrupt = new CancellationTokenSource();
            InterruptAfter(server, 20, interrupt);

            var report = await DrillRunner.RunAsync(LongRun with { OutputDirectory = directory }, http, new LiveStats(), interrupt.Token,
                TestContext.Token);

            var json = await File.ReadAllTextAsync(Assert.Single(report.Files, f => f.EndsWith(".json", StringComparison.Ordinal)), TestContext.Token);
            Assert.Contains("\"interrupted\": true", json, StringComparison.Ordinal);
            Assert.Contains("\"exitCode\": 130", json, StringComparison.Ordinal);
            var md = await File.ReadAllTextAsync(Assert.Single(report.Files, f => f.EndsWith(".md", StringComparison.Ordinal)), TestContext.Token);
            Assert.StartsWith("# FlashSale drill: custom — PASS (INTERRUPTED: partial run)", md, StringComparison.Ordinal);
            Assert.Contains("**Interrupted.** The flood was stopped after", md, StringComparison.Ordinal);

            using var text = new StringWriter();
            SummaryRenderer.Write(ReportOutputTests.PlainConsole(text), report);
            var summary = text.ToString();
            Assert.StartsWith("INTERRUPTED — partial run.", summary, StringComparison.Ordinal);
            Assert.Contains("All invariants hold on the partial run (interrupted).", summary, StringComparison.Ordinal);
            Assert.Contains("Exit code 130: interrupted, every invariant held on what was done.", summary, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
