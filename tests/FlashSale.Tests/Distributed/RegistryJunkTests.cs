using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// The persister's sweep starts from the registry of sales (<c>&lt;namespace&gt;:sales</c>) and one XLEN per sale. A
/// member that is not a sale id, or a sale whose outbox key cannot be measured, used to fail every pass — and the
/// woken sales' pumps with it — so no instance recorded anything and every purchase answered 202 pending. Now such a
/// member is passed over and such a sale skipped, and purchases are recorded as ever.
/// </summary>
public sealed class RegistryJunkTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?>
{
    ["Distributed:SweepInterval"] = "00:00:00.050",
}))
{
    [Fact]
    public async Task JunkInTheRegistry_DoesNotStopTheRecording()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();
        var odd = Guid.NewGuid();
        await db.SetAddAsync(RedisKeys.Registry(App.Storage.Database), ["not-a-sale", odd.ToString("D")]);
        // An outbox key holding a string: its XLEN answers WRONGTYPE.
        await db.StringSetAsync(RedisKeys.Outbox(odd), "not a stream");
        await Task.Delay(300);

        for (var i = 0; i < 5; i++)
        {
            using var response = await buyer.PurchaseAsync(sale);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            await Task.Delay(100);
        }

        Assert.Equal(5, await App.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{sale}'"));
        await db.KeyDeleteAsync(RedisKeys.Outbox(odd));
    }
}
