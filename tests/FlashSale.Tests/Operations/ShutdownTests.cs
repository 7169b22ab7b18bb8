using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>Graceful shutdown: SIGTERM under load finishes in-flight purchases and loses no acknowledged one.</summary>
public sealed class ShutdownTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", "term-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task SigtermUnderLoad_LosesNoAcknowledgedPurchase()
    {
        string saleId;
        var acknowledged = new ConcurrentBag<string>();
        await using (var server = await ServerProcess.StartAsync(_dataPath))
        {
            var admin = await Api.AsAdminAsync(server.CreateClient());
            saleId = (await admin.CreateSaleAsync(stock: 5000))["id"]!.GetValue<string>();
            var buyers = await admin.MintBuyersAsync(1500);

            var attempts = buyers.Select(async b =>
            {
                try
                {
                    using var response = await admin.WithToken(b.Token).PurchaseAsync(saleId);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonObject>())!["orderId"]!.GetValue<string>());
                    }
                }
                catch (HttpRequestException)
                {
                    // Refused or cut while stopping: never acknowledged, so never promised.
                }
            }).ToList();

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (acknowledged.Count < 30)
            {
                Assert.True(DateTime.UtcNow < deadline,
                    $"only {acknowledged.Count} of the 30 purchases to stop under were acknowledged within 60 s ({attempts.Count(a => a.IsCompleted)} of {attempts.Count} attempts done)");
                await Task.Delay(5);
            }

            var exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(30));
            await Task.WhenAll(attempts);
            Assert.Equal(0, exitCode);
        }

        await using var restarted = await ServerProcess.StartAsync(_dataPath);
        var again = await Api.AsAdminAsync(restarted.CreateClient());
        var stored = (await again.AllOrdersAsync(saleId)).Select(o => o["orderId"]!.GetValue<string>()).ToHashSet();
        Assert.All(acknowledged, id => Assert.Contains(id, stored));
        var stock = await again.StockAsync(saleId);
        Assert.Equal(stored.Count, stock["sold"]!.GetValue<int>());
        Assert.Equal(5000, stock["sold"]!.GetValue<int>() + stock["remainingStock"]!.GetValue<int>());
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
