using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Faults;

/// <summary>
/// The server killed at random moments during a sale (SIGKILL), or stopped (SIGTERM) under load,
/// again and again on the same data: nothing acknowledged is lost, nothing is oversold.
/// </summary>
public sealed class ProcessKillDrillTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", "drill-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public Task KillNine_AtRandomMoments_RestartEachTime() => RunAsync(rounds: FaultRounds.Get(3), graceful: false);

    [Fact]
    public Task Sigterm_UnderLoad_RestartEachTime() => RunAsync(rounds: FaultRounds.Get(2), graceful: true);

    private async Task RunAsync(int rounds, bool graceful)
    {
        const int stock = 400;
        const int limit = 2;
        var random = new Random(8675309);
        var record = new AckLedger();
        string saleId;
        List<(string UserId, string Token)> buyers;

        await using (var first = await ServerProcess.StartAsync(_dataPath))
        {
            var admin = await Api.AsAdminAsync(first.CreateClient());
            saleId = (await admin.CreateSaleAsync(stock: stock, perUserLimit: limit, endsAt: DateTimeOffset.UtcNow.AddHours(2)))["id"]!.GetValue<string>();
            buyers = await admin.MintBuyersAsync(300);
        }

        for (var round = 0; round < rounds; round++)
        {
            await using var server = await ServerProcess.StartAsync(_dataPath);
            var api = new Api(server.CreateClient());
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 8).Select(async worker =>
            {
                var local = new Random(round * 100 + worker);
                while (!stop.IsCancellationRequested)
                {
                    var buyer = buyers[local.Next(buyers.Count)];
                    await record.AttemptAsync(api.WithToken(buyer.Token), buyer.UserId, saleId);
                }
            }).ToList();

            await Task.Delay(random.Next(100, 600));
            if (graceful)
            {
                Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(30)));
            }
            else
            {
                server.KillHard();
            }

            await stop.CancelAsync();
            await Task.WhenAll(load);
        }

        await using var final = await ServerProcess.StartAsync(_dataPath);
        Assert.NotEmpty(record.Acknowledged);
        await record.AssertHeldAsync(await Api.AsAdminAsync(final.CreateClient()), saleId, stock, limit);
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
