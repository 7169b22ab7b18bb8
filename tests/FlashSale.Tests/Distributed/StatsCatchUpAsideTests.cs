using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Npgsql;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// The persister's stats catch-up runs beside the recording of orders, never in its way. It was awaited by the loop that
/// writes batches (and by a sale's pump every 16 batches), so a catch-up held up — on a connection whose server went
/// silent it waits out its 30 s command timeout — held every order decided meanwhile: answered 202 pending instead of
/// 201 (seen in CI as <c>RecordGoneAwayTests</c>'s "Expected 201, got 202" when the catch-up met the silence). Here
/// the catch-up is held up by a lock on the aggregates it folds into.
/// </summary>
public sealed class StatsCatchUpAsideTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" }))
{
    [Fact]
    public async Task ACatchUpHeldUp_DoesNotHoldUpTheOrders_WhichAreRecordedAt201()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 1)).Id();
        var buyers = await Admin.MintBuyersAsync(3);

        await using var holder = App.Storage.OpenDatabase();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var lockTotals = new NpgsqlCommand("LOCK TABLE sale_totals IN EXCLUSIVE MODE", holder, transaction))
        {
            await lockTotals.ExecuteNonQueryAsync();
        }

        // The first order's batch leaves stats pending; the catch-up that follows it waits on the lock.
        await Admin.WithToken(buyers[0].Token).BoughtAsync(sale, "first");
        await WaitForCatchUpWaitingAsync();

        await Admin.WithToken(buyers[1].Token).BoughtAsync(sale, "second");
        await Admin.WithToken(buyers[2].Token).BoughtAsync(sale, "third");
        Assert.Equal(3, await App.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{sale}'"));

        await transaction.RollbackAsync();
        Assert.Equal(0, await App.Storage.StatsPendingAfterCatchUpAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, await App.Storage.ScalarAsync($"SELECT units FROM sale_totals WHERE sale_id = '{sale}'"));
    }

    private async Task WaitForCatchUpWaitingAsync()
    {
        const string waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%stats_catch_up%' AND query NOT LIKE '%pg_stat_activity%' AND wait_event_type = 'Lock'";
        for (var i = 0; i < 200; i++)
        {
            if (await App.Storage.ScalarAsync(waiting) > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("no stats catch-up waited on the locked aggregates within 10 s");
    }
}
