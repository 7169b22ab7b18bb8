using System.Net;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Admin changes one at a time across instances, not only within each (<c>PostgresAdminChangeLock</c>): two admins
/// editing one sale on two instances must leave the ledger with the terms the record ends with. Each instance has the
/// real PostgreSQL sale store behind a wrapper that can pause a change between its record write and the ledger's.
/// </summary>
public sealed class AdminChangesAcrossInstancesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly TestStorage _storage = TestStorage.Create(StorageKind.Redis);

    /// <summary>Both instances' clock: the sale opens when the test says, however slow the machine.</summary>
    private readonly ManualClock _clock = new(Now);
    private TestApp _first = null!;
    private TestApp _second = null!;

    public Task InitializeAsync()
    {
        _first = Instance(new Dictionary<string, string?>());
        // Its wait for the other instance's change is bounded by the request bound: one second here.
        _second = Instance(new Dictionary<string, string?> { ["Distributed:RequestCommandTimeout"] = "00:00:01" });
        _first.StartServer();
        _second.StartServer();
        return Task.CompletedTask;
    }

    private TestApp Instance(Dictionary<string, string?> settings) =>
        new(storage: _storage, clock: _clock, settings: settings, services: FaultySaleStore.Wrap<PostgresSaleStore>);

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _storage.DisposeAsync();
    }

    [Fact]
    public async Task TwoEditsOnTwoInstances_LeaveTheLedgerWithTheTermsTheRecordEndsWith()
    {
        var onFirst = await Api.AsAdminAsync(_first.CreateClient());
        var onSecond = await Api.AsAdminAsync(_second.CreateClient());
        var startsAt = Now.AddMinutes(5);
        var sale = (await onFirst.CreateSaleAsync(stock: 10, perUserLimit: 10, startsAt: startsAt, endsAt: Now.AddHours(1))).Id();
        var buyer = onFirst.WithToken((await onFirst.MintBuyersAsync(1))[0].Token);
        var written = new Pause();
        _first.Services.GetRequiredService<FaultySaleStore>().AfterUpdate = written.HoldAsync;

        // The first instance has written 20 to the record and not yet to the ledger when the second cuts to 5.
        var raise = onFirst.PatchJsonAsync($"/api/v1/admin/sales/{sale}", """{"totalStock":20}""");
        await written.Reached;
        // Let go only once PostgreSQL shows the second waiting for the first's change lock (a fixed wait instead tested
        // nothing when the cut reached the second instance after the raise had finished).
        var cut = onSecond.PatchJsonAsync($"/api/v1/admin/sales/{sale}", """{"totalStock":5}""");
        await WaitForAChangeWaitingForTheLockAsync();
        Assert.False(cut.IsCompleted, "the second's cut was answered while the first's raise held the change lock: it did not wait for it");
        written.Release();
        using (var raised = await raise)
        {
            await Api.EnsureAsync(raised, HttpStatusCode.OK);
        }

        using (var cutDone = await cut)
        {
            await Api.EnsureAsync(cutDone, HttpStatusCode.OK);
        }

        Assert.Equal(5, (await onFirst.GetJsonAsync($"/api/v1/sales/{sale}")).Int("totalStock"));
        _clock.Set(startsAt.AddSeconds(1));
        for (var i = 0; i < 8; i++)
        {
            using var bought = await buyer.PurchaseAsync(sale);
        }

        // Unserialized, the second's cut reached the ledger first and the first's raise after it: the record said 5, the
        // ledger sold 8 (G1).
        Assert.Equal(5, (await onFirst.AllOrdersAsync(sale)).Count);
        Assert.Equal(0, (await onSecond.StockAsync(sale)).Int("remainingStock"));
    }

    /// <summary>
    /// Polls until a session of this test's database waits for the admin change lock (<c>PostgresAdminChangeLock.Key</c>,
    /// an advisory lock on a bigint: its high half in classid, its low half in objid). Polled often: the waiting
    /// instance's bound is one second.
    /// </summary>
    private async Task WaitForAChangeWaitingForTheLockAsync()
    {
        var waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            + $" AND classid = {PostgresAdminChangeLock.Key >> 32} AND objid = {PostgresAdminChangeLock.Key & 0xFFFFFFFF} AND objsubid = 1";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await _storage.ScalarAsync(waiting) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no change waited for the change lock within 10 s");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task AChangeHeldOnOneInstancePastTheBound_AnswersTheOther503_AndChangesNothing()
    {
        var onFirst = await Api.AsAdminAsync(_first.CreateClient());
        var onSecond = await Api.AsAdminAsync(_second.CreateClient());
        var sale = (await onFirst.CreateSaleAsync(stock: 10, startsAt: Now.AddHours(1), endsAt: Now.AddHours(2))).Id();
        var written = new Pause();
        _first.Services.GetRequiredService<FaultySaleStore>().AfterUpdate = written.HoldAsync;

        var raise = onFirst.PatchJsonAsync($"/api/v1/admin/sales/{sale}", """{"totalStock":20}""");
        await written.Reached;
        using (var waited = await onSecond.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, waited.StatusCode);
            Assert.NotNull(waited.Headers.RetryAfter);
        }

        written.Release();
        using (var raised = await raise)
        {
            await Api.EnsureAsync(raised, HttpStatusCode.OK);
        }

        // The refused end changed nothing: the sale is still upcoming with the raised stock, and it can still be ended.
        var now = await onSecond.GetJsonAsync($"/api/v1/sales/{sale}");
        Assert.Equal(20, now.Int("totalStock"));
        Assert.Equal("upcoming", now["status"]!.GetValue<string>());
        using var ended = await onSecond.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end");
        await Api.EnsureAsync(ended, HttpStatusCode.OK);
    }
}
