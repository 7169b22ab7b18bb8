using System.Net;
using FlashSale.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Two instances on one Redis + PostgreSQL: a purchase on one moves the live feed on the other
/// (Redis pub/sub relay), and what one instance protects (cookies, antiforgery) the other reads.
/// </summary>
public sealed class SharedStateAcrossInstancesTests : IAsyncLifetime
{
    private readonly TestStorage _storage = TestStorage.Create(StorageKind.Redis);
    private TestApp _first = null!;
    private TestApp _second = null!;

    public Task InitializeAsync()
    {
        _first = new TestApp(realSocket: true, storage: _storage);
        _second = new TestApp(realSocket: true, storage: _storage);
        _first.StartServer();
        _second.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _storage.DisposeAsync();
    }

    [Fact]
    public async Task PurchaseOnOneInstance_MovesTheLiveFeedOnTheOther()
    {
        var admin = await Api.AsAdminAsync(_first.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyers = await admin.MintBuyersAsync(2);

        await using var feed = await SseClient.ConnectAsync(_second.CreateClient(), saleId);
        Assert.Equal(5, (await feed.NextAsync()).Remaining);

        using (var bought = await admin.WithToken(buyers[0].Token).PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        var (update, _) = await feed.UntilAsync(e => e.Remaining == 4, TimeSpan.FromSeconds(5));
        Assert.Equal("stock", update.Name);

        // The other way round too: the second instance decides, the first's feed follows.
        await using var back = await SseClient.ConnectAsync(_first.CreateClient(), saleId);
        Assert.Equal(4, (await back.NextAsync()).Remaining);
        var onSecond = await Api.AsAdminAsync(_second.CreateClient());
        using (var bought = await onSecond.WithToken(buyers[1].Token).PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        await back.UntilAsync(e => e.Remaining == 3, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void DataProtectionKeys_AreSharedThroughRedis()
    {
        var protectedByFirst = _first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("hello");

        var readBySecond = _second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedByFirst);

        Assert.Equal("hello", readBySecond);
    }
}
