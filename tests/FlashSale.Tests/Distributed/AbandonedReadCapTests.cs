using System.Net;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Reads abandoned at Distributed:RequestCommandTimeout on a frozen PostgreSQL (SIGSTOP, behind a stalling proxy) each
/// keep a pooled connection, and for Npgsql's cancel request a thread-pool thread, until they end (AbandonedReads). Until
/// 2026-12-07 nothing capped them: a flood of reads before the ping noticed (~2 s) could take the whole pool and the
/// thread pool. At the cap a new read is answered 503 without being started, and reads work again once the abandoned
/// ones end. The ping is an hour away here, so that the record is never marked down and only the cap refuses.
/// </summary>
public sealed class AbandonedReadCapTests : IAsyncLifetime
{
    private readonly ErrorLog _logs = new(LogLevel.Warning, 3020);
    private RecordBehindProxy _record = null!;

    public Task InitializeAsync()
    {
        // A pool of 8: the cap is a quarter of it, 2. The connect Timeout as deployed (15 s): an abandoned read's cancel
        // request outlasts the test's freeze, so only the freeze's end lets them go.
        _record = RecordBehindProxy.Create(new Dictionary<string, string?>
        {
            ["Distributed:RequestCommandTimeout"] = "00:00:02",
            ["Distributed:RecordPing"] = "01:00:00",
        }, s => s.AddSingleton<ILoggerProvider>(_logs), c => (c.Timeout, c.MaxPoolSize) = (15, 8));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _record.DisposeAsync();

    [Fact]
    public async Task AtTheCapOfAbandonedReads_ANewReadIsRefusedAtOnce_AndReadsWorkAgainAfterTheFreeze()
    {
        var admin = await Api.AsAdminAsync(_record.App.CreateClient());
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        var requests = _record.App.Services.GetRequiredService<PostgresRequests>();
        await OrdersAnswerAsync(buyer, HttpStatusCode.OK);

        _record.Proxy.Stall();
        // Two reads, the cap: each waits the 2 s bound, is answered 503 and goes on in the background, abandoned.
        await Task.WhenAll(OrdersAnswerAsync(buyer, HttpStatusCode.ServiceUnavailable), OrdersAnswerAsync(buyer, HttpStatusCode.ServiceUnavailable));
        var abandoned = requests.AbandonedRunning;
        Assert.True(abandoned >= 2, $"{abandoned} reads abandoned");

        await OrdersAnswerAsync(buyer, HttpStatusCode.ServiceUnavailable);
        // Not started: no further read held (before the cap it waited the 2 s bound and was abandoned too). No bound on its
        // time: the abandoned reads' cancels hold thread-pool threads just then, and a loaded host answers late anyway.
        Assert.Equal(abandoned, requests.AbandonedRunning);
        await OrdersAnswerAsync(buyer, HttpStatusCode.ServiceUnavailable);
        // One warning for both refusals (throttled).
        Assert.Contains("reads of PostgreSQL refused", Assert.Single(_logs.Entries), StringComparison.Ordinal);

        _record.Proxy.Resume();
        await SceneSteps.UntilAsync(() => Task.FromResult(requests.AbandonedRunning == 0), withinSeconds: 20);
        await OrdersAnswerAsync(buyer, HttpStatusCode.OK);
    }

    private static async Task OrdersAnswerAsync(Api buyer, HttpStatusCode expected)
    {
        using var response = await buyer.GetAsync("/api/v1/me/orders");
        Assert.True(response.StatusCode == expected, $"GET /api/v1/me/orders answered {(int)response.StatusCode}, expected {(int)expected}");
        if (expected == HttpStatusCode.ServiceUnavailable)
        {
            Assert.NotNull(response.Headers.RetryAfter);
        }
    }
}
