using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Purchasing;

/// <summary>G3: every 2xx survives kill -9 of the server; G4: the books balance after the restart.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", "kill-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task KilledRightAfterAcknowledging_LosesNoPurchaseOnRestart()
    {
        string saleId;
        List<(string UserId, string Token)> buyers;
        var acknowledged = new ConcurrentDictionary<string, string>();

        await using (var server = await ServerProcess.StartAsync(_dataPath))
        {
            var admin = await Api.AsAdminAsync(server.CreateClient());
            saleId = (await admin.CreateSaleAsync(stock: 2000, perUserLimit: 1))["id"]!.GetValue<string>();
            buyers = await admin.MintBuyersAsync(1000);

            using var enough = new CancellationTokenSource();
            var attempts = buyers.Select(async b =>
            {
                try
                {
                    using var response = await admin.WithToken(b.Token).PurchaseAsync(saleId);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var order = await response.Content.ReadFromJsonAsync<JsonObject>();
                        acknowledged[order!["orderId"]!.GetValue<string>()] = b.UserId;
                        if (acknowledged.Count >= 40)
                        {
                            await enough.CancelAsync();
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // The server died under this request: not acknowledged, so not promised.
                }
                catch (TaskCanceledException)
                {
                }
            }).ToList();

            await Task.WhenAny(Task.Delay(Timeout.Infinite, enough.Token).ContinueWith(_ => { }), Task.WhenAll(attempts));
            server.KillHard();
            await Task.WhenAll(attempts);
        }

        Assert.True(acknowledged.Count >= 40, $"only {acknowledged.Count} purchases were acknowledged before the kill");

        await using var restarted = await ServerProcess.StartAsync(_dataPath);
        var again = await Api.AsAdminAsync(restarted.CreateClient());
        var orders = await again.AllOrdersAsync(saleId);
        var stored = orders.ToDictionary(o => o["orderId"]!.GetValue<string>(), o => o["userId"]!.GetValue<string>());

        Assert.All(acknowledged, ack =>
        {
            Assert.True(stored.TryGetValue(ack.Key, out var user), $"acknowledged order {ack.Key} was lost");
            Assert.Equal(ack.Value, user);
        });
        var stock = await again.StockAsync(saleId);
        Assert.True(stock["remainingStock"]!.GetValue<int>() > 0, "the sale sold out before the kill: nothing was in flight");
        Assert.Equal(2000, stock["sold"]!.GetValue<int>() + stock["remainingStock"]!.GetValue<int>());
        Assert.Equal(orders.Sum(o => o["quantity"]!.GetValue<int>()), stock["sold"]!.GetValue<int>());

        // The rebuilt ledger still enforces the limit for buyers who bought before the crash.
        var buyer = buyers.First(b => b.UserId == acknowledged.First().Value);
        using var second = await again.WithToken(buyer.Token).PurchaseAsync(saleId, 1, "after-restart");
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("limit_reached", await Api.ReasonAsync(second));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
