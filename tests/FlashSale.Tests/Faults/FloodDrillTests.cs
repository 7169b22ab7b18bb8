using System.Net;
using System.Net.Sockets;
using System.Text;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Faults;

/// <summary>
/// Far more load than the server can take: it sheds (503 + Retry-After) instead of queueing
/// without bound, its memory stays bounded, and what it accepts is correct. Slow clients holding
/// connections open (Slowloris) do not starve honest ones.
/// </summary>
public sealed class FloodDrillTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", "flood-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task FloodFarAboveCapacity_ShedsWith503_MemoryBounded_InvariantsHold()
    {
        // A small admission limit makes "far above capacity" reachable from one test machine.
        await using var server = await ServerProcess.StartAsync(_dataPath, new Dictionary<string, string>
        {
            ["Limits__MaxPurchasesInFlight"] = "16",
            ["RateLimiting__Enabled"] = "false",
            // 400 buyers at once from one address; the per-address cap has its own tests (ConnectionQuotaTests).
            ["Limits__MaxConnectionsPerClient"] = "0",
        });
        var admin = await Api.AsAdminAsync(server.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 1_000_000, perUserLimit: 1000))["id"]!.GetValue<string>();
        var buyers = await admin.MintBuyersAsync(400);
        var record = new AckLedger();

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000 };
        using var http = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        var flood = new Api(http);
        var until = DateTime.UtcNow.AddSeconds(3);
        await Task.WhenAll(buyers.Select(async b =>
        {
            while (DateTime.UtcNow < until)
            {
                await record.AttemptAsync(flood.WithToken(b.Token), b.UserId, saleId);
            }
        }));

        var rssMiB = server.ResidentMemoryMiB();
        Assert.Contains(HttpStatusCode.ServiceUnavailable, record.Statuses);
        Assert.NotEmpty(record.Acknowledged);
        Assert.All(record.Statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable }));
        Assert.True(rssMiB < 512, $"server RSS {rssMiB} MiB under the flood");
        await record.AssertHeldAsync(admin, saleId, 1_000_000, 1000);
    }

    [Fact]
    public async Task SlowClientsHoldingConnections_DoNotStarveHonestBuyers()
    {
        // The slow clients and the honest ones share 127.0.0.1: this is about the header timeout, not the per-address cap.
        await using var server = await ServerProcess.StartAsync(_dataPath, new Dictionary<string, string> { ["Limits__MaxConnectionsPerClient"] = "0" });
        var admin = await Api.AsAdminAsync(server.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 100, perUserLimit: 1))["id"]!.GetValue<string>();
        var buyers = await admin.MintBuyersAsync(50);

        // 300 connections that send a request line and then a header byte now and then.
        var slow = new List<TcpClient>();
        for (var i = 0; i < 300; i++)
        {
            var client = new TcpClient();
            await client.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("POST /api/v1/sales/x/purchases HTTP/1.1\r\nHost: x\r\nX-Slow: "));
            slow.Add(client);
        }

        try
        {
            using var trickle = new CancellationTokenSource();
            var dripping = Task.Run(async () =>
            {
                while (!trickle.IsCancellationRequested)
                {
                    foreach (var client in slow)
                    {
                        try
                        {
                            await client.GetStream().WriteAsync("a"u8.ToArray());
                        }
                        catch (IOException)
                        {
                            // Kestrel closed it: the header timeout doing its job.
                        }
                    }

                    await Task.Delay(500);
                }
            });

            var honest = await Task.WhenAll(buyers.Select(async b =>
            {
                using var response = await admin.WithToken(b.Token).PurchaseAsync(saleId);
                return response.StatusCode;
            }));
            await trickle.CancelAsync();
            await dripping;

            Assert.All(honest, s => Assert.Equal(HttpStatusCode.Created, s));
        }
        finally
        {
            slow.ForEach(c => c.Dispose());
        }
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
