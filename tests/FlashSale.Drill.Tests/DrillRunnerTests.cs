using FlashSale.Drill.Api;
using FlashSale.Drill.Cli;

namespace FlashSale.Drill.Tests;

/// <summary>The whole pipeline (setup, flood, evidence, checks) against an in-memory fake of the API.</summary>
public sealed class DrillRunnerTests
{
    private static DrillOptions Seed => DrillOptions.ForPreset(Preset.Seed) with { AdminPassword = "pw", Quiet = true };

    [Fact]
    public async Task FiftyBuyersForTenUnits_ExactlyTenSucceed()
    {
        var server = new FakeFlashSaleServer();
        using var http = new HttpClient(server);

        var report = await DrillRunner.RunAsync(Seed, http, TestContext.Token);

        Assert.True(report.Passed, string.Join("\n", report.Verdicts.Select(v => $"{v.Id}: {v.Detail} {string.Join("; ", v.Examples)}")));
        Assert.Equal(50, report.Requests);
        Assert.Contains(report.Outcomes, o => o is { Outcome: "201", Count: 10 });
        Assert.Contains(report.Outcomes, o => o is { Outcome: "409 sold_out", Count: 40 });
        Assert.All(server.Requested, u => Assert.Equal("localhost:5000", u.Authority));
    }

    [Fact]
    public async Task RetriesWithQuantitiesAndSeveralSales_Pass()
    {
        using var http = new HttpClient(new FakeFlashSaleServer());
        var options = DrillOptions.ForPreset(Preset.Custom) with
        {
            AdminPassword = "pw", Users = 30, Concurrency = 8, Requests = 120, Sales = 2, Stock = 50, Limit = 3,
            QuantityMin = 1, QuantityMax = 2, Retries = 3,
        };

        var report = await DrillRunner.RunAsync(options, http, TestContext.Token);

        Assert.True(report.Passed, string.Join("\n", report.Verdicts.Select(v => $"{v.Id}: {v.Detail} {string.Join("; ", v.Examples)}")));
        Assert.Equal(360, report.Requests);
        Assert.Equal(2, report.Sales.Count);
    }

    [Fact]
    public async Task AnOversellingServer_Fails()
    {
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.Oversell));

        var report = await DrillRunner.RunAsync(Seed, http, TestContext.Token);

        Assert.False(report.Passed);
        Assert.Equal(1, report.ExitCode);
        Assert.Contains(report.Verdicts, v => v is { Id: "no-oversell", Passed: false });
    }

    [Fact]
    public async Task AServerThatKeepsAnotherPerUserLimit_Fails()
    {
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.IgnoresCreateLimit));
        // Ten buyers, four attempts each, on a sale asked with limit 1: the server lets each buy up to 5.
        var options = DrillOptions.ForPreset(Preset.Custom) with
        {
            AdminPassword = "pw", Quiet = true, Users = 10, Concurrency = 4, Requests = 40, Stock = 100, Limit = 1,
        };

        var report = await DrillRunner.RunAsync(options, http, TestContext.Token);

        var terms = Assert.Single(report.Verdicts, v => v.Id == "sale-as-asked");
        Assert.False(terms.Passed);
        Assert.Contains(terms.Examples, e => e.Contains("perUserLimit 5", StringComparison.Ordinal));
        Assert.Contains(report.Verdicts, v => v is { Id: "per-user-limit", Passed: false });
        Assert.Equal(1, Assert.Single(report.Sales).PerUserLimit);
    }

    [Fact]
    public async Task AServerThatSellsNothing_Fails()
    {
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.SellsNothing));
        var options = DrillOptions.ForPreset(Preset.Custom) with { AdminPassword = "pw", Quiet = true, Users = 20 };

        var report = await DrillRunner.RunAsync(options, http, TestContext.Token);

        Assert.Equal(1, report.ExitCode);
        Assert.Equal(["something-sold"], report.Verdicts.Where(v => !v.Passed).Select(v => v.Id));
    }

    /// <summary>
    /// A --sale that has not started is refused with its start time (exit 2), nothing sent. Until 2026-12-07 the drill
    /// flooded it, got sale_not_started only, and exited 0 saying "every attempted sale sold something; 1 warning(s): …
    /// nothing sold".
    /// </summary>
    [Fact]
    public async Task AnExistingSaleThatHasNotStarted_IsRefusedWithItsStartTime_NothingSent()
    {
        var server = new FakeFlashSaleServer();
        using var http = new HttpClient(server);
        var options = DrillOptions.ForPreset(Preset.Custom) with
        {
            AdminPassword = "pw", Quiet = true, Users = 20, SaleId = server.AddSale(stock: 1000, limit: 2, startsIn: TimeSpan.FromHours(1)),
        };

        var error = await Assert.ThrowsAsync<DrillSetupException>(() => DrillRunner.RunAsync(options, http, TestContext.Token));

        Assert.Contains($"Sale {options.SaleId} has not started: it opens at ", error.Message, StringComparison.Ordinal);
        Assert.Contains(" UTC (in 59m5", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requested, u => u.AbsolutePath.EndsWith("/purchases", StringComparison.Ordinal));
    }

    /// <summary>A --sale opening within the drill's own wait (15 s) is waited for, as the sales the drill creates are.</summary>
    [Fact]
    public async Task AnExistingSaleAboutToOpen_IsWaitedFor()
    {
        var server = new FakeFlashSaleServer();
        using var http = new HttpClient(server);
        var options = DrillOptions.ForPreset(Preset.Custom) with
        {
            AdminPassword = "pw", Quiet = true, Users = 20, SaleId = server.AddSale(stock: 1000, limit: 2, startsIn: TimeSpan.FromSeconds(1)),
        };

        var report = await DrillRunner.RunAsync(options, http, TestContext.Token);

        Assert.True(report.Passed, string.Join("\n", report.Verdicts.Select(v => $"{v.Id}: {v.Detail} {string.Join("; ", v.Examples)}")));
        Assert.Equal([new("201", 20)], report.Outcomes);
    }

    [Fact]
    public async Task AnExistingSaleWithOtherShoppers_PassesWithWarnings()
    {
        var server = new FakeFlashSaleServer(FakeServerBug.OtherShoppersBuy);
        using var http = new HttpClient(server);
        var options = DrillOptions.ForPreset(Preset.Custom) with
        {
            AdminPassword = "pw", Quiet = true, Users = 20, SaleId = server.AddSale(stock: 1000, limit: 2),
        };

        var report = await DrillRunner.RunAsync(options, http, TestContext.Token);

        Assert.True(report.Passed, string.Join("\n", report.Verdicts.Select(v => $"{v.Id}: {v.Detail} {string.Join("; ", v.Examples)}")));
        Assert.True(Assert.Single(report.Verdicts, v => v.Id == "no-phantom-orders").Warned);
        Assert.True(Assert.Single(report.Verdicts, v => v.Id == "accounting").Warned);
    }

    [Fact]
    public async Task AServerThatLosesOrders_Fails()
    {
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.LoseEveryThirdOrder));

        var report = await DrillRunner.RunAsync(Seed, http, TestContext.Token);

        Assert.Contains(report.Verdicts, v => v is { Id: "acks-are-orders", Passed: false });
    }

    [Fact]
    public async Task AServerThatBuysWhileAnswering503NothingWasBought_Fails()
    {
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.BuysButAnswersNothingWasBought));

        var report = await DrillRunner.RunAsync(Seed, http, TestContext.Token);

        var phantom = Assert.Single(report.Verdicts, v => v.Id == "no-phantom-orders");
        Assert.False(phantom.Passed);
        Assert.Contains(phantom.Examples, e => e.Contains("503 nothing bought", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServerThatAcknowledgesOrdersToAnotherBuyer_Fails()
    {
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.AcknowledgesAnotherBuyer));

        var report = await DrillRunner.RunAsync(Seed, http, TestContext.Token);

        var acks = Assert.Single(report.Verdicts, v => v.Id == "acks-are-orders");
        Assert.False(acks.Passed);
        Assert.Contains(acks.Examples, e => e.Contains("u-someone-else", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServerThatKeepsTheLastUnit_Fails()
    {
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.SoldOutOneUnitEarly));
        var options = DrillOptions.ForPreset(Preset.Custom) with { AdminPassword = "pw", Quiet = true, Users = 20, Stock = 10 };

        var report = await DrillRunner.RunAsync(options, http, TestContext.Token);

        Assert.Equal(1, report.ExitCode);
        Assert.Equal(["no-undersell"], report.Verdicts.Where(v => !v.Passed).Select(v => v.Id));
    }

    [Fact]
    public async Task OrdersOfUnknownOutcomesListedLate_AreWaitedFor_AndThenPass()
    {
        // Distributed mode: an order answered 503 outcomeUnknown is in the stock counters at once, in the order list
        // only once the outbox has recorded it.
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.UnknownOutcomesListedLate));
        var options = DrillOptions.ForPreset(Preset.Custom) with { AdminPassword = "pw", Quiet = true, Users = 30 };

        var report = await DrillRunner.RunAsync(options, http, TestContext.Token);

        Assert.True(report.Passed, string.Join("\n", report.Verdicts.Select(v => $"{v.Id}: {v.Detail} {string.Join("; ", v.Examples)}")));
        Assert.Contains(report.Outcomes, o => o is { Outcome: "503 unavailable", Count: 10 });
    }

    [Fact]
    public async Task OrdersOfUnknownOutcomesNeverListed_AreWaitedForUpToThePendingWait_ThenFailTheAccounting()
    {
        var server = new FakeFlashSaleServer(FakeServerBug.UnknownOutcomesNeverListed);
        using var http = new HttpClient(server);
        var options = DrillOptions.ForPreset(Preset.Custom) with
        {
            AdminPassword = "pw", Quiet = true, Users = 30, PendingWait = TimeSpan.FromSeconds(1),
        };
        var started = System.Diagnostics.Stopwatch.StartNew();

        var report = await DrillRunner.RunAsync(options, http, TestContext.Token);

        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        Assert.Equal(["accounting"], report.Verdicts.Where(v => !v.Passed).Select(v => v.Id));
        var listings = server.Requested.Count(u => u.AbsolutePath.EndsWith("/orders", StringComparison.Ordinal)
                                                   && !u.Query.Contains("cursor=", StringComparison.Ordinal));
        Assert.True(listings > 2, $"the orders were listed {listings} times: not again while the counters were ahead of them");
    }

    [Fact]
    public async Task AServerWhose503sDoNotSayWhenToRetry_Fails()
    {
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.NoRetryAfter));

        var report = await DrillRunner.RunAsync(Seed, http, TestContext.Token);

        var retryAfter = Assert.Single(report.Verdicts, v => v.Id == "retry-after");
        Assert.False(retryAfter.Passed);
        Assert.Contains(retryAfter.Examples.Append(retryAfter.Detail), e => e.Contains("503 unavailable without Retry-After", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ItsOwnReadsRateLimited_TheDrillWaitsTheRetryAfter_AndPasses()
    {
        var server = new FakeFlashSaleServer(FakeServerBug.ThrottlesTheFirstOrderListing);
        using var http = new HttpClient(server);

        var report = await DrillRunner.RunAsync(Seed, http, TestContext.Token);

        Assert.True(report.Passed, string.Join("\n", report.Verdicts.Select(v => $"{v.Id}: {v.Detail}")));
        Assert.True(server.Requested.Count(u => u.AbsolutePath.EndsWith("/orders", StringComparison.Ordinal)) >= 2,
            "the refused listing was not asked again");
    }

    [Fact]
    public async Task ItsOwnPostsRateLimited_TheDrillSendsThemAgainAfterTheRetryAfter_AndPasses()
    {
        var server = new FakeFlashSaleServer(FakeServerBug.ThrottlesTheFirstOfEachPost);
        using var http = new HttpClient(server);

        var report = await DrillRunner.RunAsync(Seed, http, TestContext.Token);

        Assert.True(report.Passed, string.Join("\n", report.Verdicts.Select(v => $"{v.Id}: {v.Detail}")));
        foreach (var post in new[] { "/auth/token", "/admin/tokens", "/admin/sales" })
        {
            Assert.True(server.Requested.Count(u => u.AbsolutePath.EndsWith(post, StringComparison.Ordinal)) >= 2,
                $"the refused {post} was not sent again");
        }
    }

    [Fact]
    public async Task TheLiveElapsedStopsWhenTheFloodEnds_NotAfterChecking()
    {
        // The refused listing makes the checking phase last a second or more after the flood.
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.ThrottlesTheFirstOrderListing));
        var stats = new FlashSale.Drill.Load.LiveStats();

        var report = await DrillRunner.RunAsync(Seed, http, stats, TestContext.Token);
        var atTheEnd = stats.FloodElapsed;
        await Task.Delay(200, TestContext.Token);

        // The panel's rate is Completed / FloodElapsed: a frozen elapsed that equals the summary's keeps the two alike.
        Assert.Equal(report.FloodSeconds, Math.Round(stats.FloodElapsed.TotalSeconds, 3));
        Assert.Equal(atTheEnd, stats.FloodElapsed);
    }

    [Fact]
    public async Task SyntheticBuyersDisabled_SaysHowToEnableThem()
    {
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.SyntheticBuyersDisabled));

        var error = await Assert.ThrowsAsync<DrillSetupException>(() => DrillRunner.RunAsync(Seed, http, TestContext.Token));

        Assert.Contains("Auth__SyntheticBuyers__Enabled=true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MintingMoreThanTheServerAllowsInOneCall_SaysWhatWasRefusedAndWhichSetting()
    {
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.MintsAtMostAHundred));

        var error = await Assert.ThrowsAsync<DrillSetupException>(() =>
            DrillRunner.RunAsync(Seed with { Users = 200, Concurrency = 200, Requests = 200 }, http, TestContext.Token));

        Assert.Contains("HTTP 400 validation_failed: count must be between 1 and 100.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:SyntheticBuyers:MaxPerRequest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongAdminPassword_IsASetupError()
    {
        using var http = new HttpClient(new FakeFlashSaleServer());

        var error = await Assert.ThrowsAsync<DrillSetupException>(() =>
            DrillRunner.RunAsync(Seed with { AdminPassword = "nope" }, http, TestContext.Token));

        Assert.Contains("--admin-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUrlWithoutTheApi_SaysToCheckTheUrl_NotThePassword()
    {
        using var http = new HttpClient(new FakeFlashSaleServer());

        // The fake answers 404 not_found to every path it does not know, as the server does: here, /shop/api/v1/….
        var error = await Assert.ThrowsAsync<DrillSetupException>(() =>
            DrillRunner.RunAsync(Seed with { Url = new Uri("http://localhost:5000/shop") }, http, TestContext.Token));

        Assert.Contains("HTTP 404", error.Message, StringComparison.Ordinal);
        Assert.Contains("Check --url: http://localhost:5000/shop/ must be the FlashSale server's base address", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--admin-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoteUrl_IsRefusedBeforeAnyRequest()
    {
        var server = new FakeFlashSaleServer();
        using var http = new HttpClient(server);

        await Assert.ThrowsAsync<DrillSetupException>(() =>
            DrillRunner.RunAsync(Seed with { Url = new Uri("http://example.com") }, http, TestContext.Token));

        Assert.Empty(server.Requested);
    }

    [Fact]
    public async Task NothingListening_IsASetupError()
    {
        var options = Seed with { Url = new Uri("http://127.0.0.1:9"), RequestTimeout = TimeSpan.FromSeconds(2) };

        var error = await Assert.ThrowsAsync<DrillSetupException>(() => DrillRunner.RunAsync(options, null, TestContext.Token));

        Assert.Contains("Cannot reach", error.Message, StringComparison.Ordinal);
    }
}
