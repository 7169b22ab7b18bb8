using FlashSale.Storage.Postgres;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G6 when an admin ends a sale whose Redis state was lost: the ledger must be closed before the record's write, as
/// always. The ledger rebuilt the lost state from the record (the old end) and ignored the end it was given, so the
/// sale sold through the write. The real PostgreSQL store, paused before its write.
/// </summary>
public sealed class LostStateEndTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, services: FaultySaleStore.Wrap<PostgresSaleStore>))
{
    [Fact]
    public async Task EndingASaleWhoseStateWasLost_ClosesItBeforeTheRecordsWrite()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        await RedisState.LoseAsync(App.Storage, Guid.Parse(sale));

        await EndScene.PurchasesWhileTheEndIsWritten_AreRefusedAsync(Admin, App.Services.GetRequiredService<FaultySaleStore>(), sale);
    }
}
