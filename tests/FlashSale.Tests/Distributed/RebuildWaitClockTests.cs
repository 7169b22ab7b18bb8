using System.Net;
using FlashSale.Storage.Postgres;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G6 across a wait for another instance's rebuild: a purchase that arrived just before the sale's end and waited
/// (up to <c>Distributed:RebuildWait</c>) while the sale's lost state was rebuilt elsewhere is decided by the clock when
/// it is decided, not when it arrived. The other instance is played by holding the sale's rebuild lock.
/// </summary>
public sealed class RebuildWaitClockTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow;
    private readonly ManualClock _clock = new(Start);
    private readonly TestApp _app;
    private Api _admin = null!;

    public RebuildWaitClockTests() =>
        _app = new TestApp(kind: StorageKind.Redis, clock: _clock, services: FaultySaleStore.Wrap<PostgresSaleStore>);

    public async Task InitializeAsync()
    {
        _app.StartServer();
        _admin = await Api.AsAdminAsync(_app.CreateClient());
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task APurchaseThatWaitedPastTheEndForARebuild_IsRefusedAsEnded()
    {
        var endsAt = Start.AddMinutes(10);
        var sale = (await _admin.CreateSaleAsync(stock: 10, perUserLimit: 1, startsAt: Start.AddMinutes(-1), endsAt: endsAt)).Id();
        var saleId = Guid.Parse(sale);
        var buyer = _admin.WithToken((await _admin.MintBuyersAsync(1))[0].Token);
        await RedisState.LoseAsync(_app.Storage, saleId);
        await using var redis = await RedisState.ConnectAsync(_app.Storage);
        var db = redis.GetDatabase();
        Assert.True(await db.StringSetAsync(RedisKeys.RebuildLock(saleId), "another-instance", TimeSpan.FromSeconds(30), When.NotExists));

        // Arrives a millisecond before the end and waits for the rebuild; the end passes meanwhile: only once it has read
        // the record and found the sale open (a fixed wait instead tested nothing when the request came late).
        _clock.Set(endsAt.AddMilliseconds(-1));
        var recordRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.Services.GetRequiredService<FaultySaleStore>().AfterFindLatest = id =>
        {
            if (id == saleId)
            {
                recordRead.TrySetResult();
            }

            return Task.CompletedTask;
        };
        var purchase = buyer.PurchaseAsync(sale);
        await recordRead.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await Task.Delay(200);
        Assert.False(purchase.IsCompleted, "the purchase was answered before the end passed: it did not wait for the rebuild");
        _clock.Set(endsAt.AddSeconds(5));
        await db.KeyDeleteAsync(RedisKeys.RebuildLock(saleId));

        using var response = await purchase;
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("sale_ended", await Api.ReasonAsync(response));
        Assert.Empty(await _admin.AllOrdersAsync(sale));
    }
}
