using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Rate limits hold across instances: a buyer spreading attempts over three instances gets the
/// rule's budget once, not three times (the counts live in Redis, one key per rule and subject).
/// </summary>
public sealed class RateLimitsAcrossInstancesTests : IAsyncLifetime
{
    private const int PerUserLimit = 5;
    private readonly TestStorage _storage = TestStorage.Create(StorageKind.Redis);
    private readonly List<TestApp> _instances = [];

    public Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            var app = new TestApp(realSocket: true, storage: _storage, settings: new Dictionary<string, string?>
            {
                ["RateLimiting:Rules:purchase-per-user:PermitLimit"] = PerUserLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            app.StartServer();
            _instances.Add(app);
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _instances)
        {
            await app.DisposeAsync();
        }

        await _storage.DisposeAsync();
    }

    [Fact]
    public async Task OneBuyerAcrossThreeInstances_GetsTheRuleBudgetOnce()
    {
        var admin = await Api.AsAdminAsync(_instances[0].CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 100, perUserLimit: 100))["id"]!.GetValue<string>();
        var token = (await admin.MintBuyersAsync(1))[0].Token;
        var buyerOn = _instances.Select(app => new Api(app.CreateClient(), token)).ToList();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var response = await buyerOn[i % 3].PurchaseAsync(saleId, 1, $"attempt-{i}");
            return response.StatusCode;
        }));

        Assert.Equal(PerUserLimit, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(30 - PerUserLimit, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(PerUserLimit, (await admin.AllOrdersAsync(saleId)).Count);
    }
}
