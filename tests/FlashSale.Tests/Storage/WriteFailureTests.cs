using System.Net;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace FlashSale.Tests.Storage;

/// <summary>G3/G4: when the record cannot be written, the answer is 503 and the unit is released.</summary>
public sealed class WriteFailureTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly TestApp _app;

    public WriteFailureTests() => _app = new TestApp(clock: _clock);
    private Api _admin = null!;

    public async Task InitializeAsync() => _admin = await Api.AsAdminAsync(_app.CreateClient());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task FailingCommit_Is503_StockReturns_AndAfterTheCooldownTheRetrySucceeds()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var buyer = _admin.WithToken((await _admin.MintBuyersAsync(1))[0].Token);

        // A real failure from the real database: a trigger that aborts every order insert.
        Execute("CREATE TRIGGER fail_orders BEFORE INSERT ON orders BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
        using var failed = await buyer.PurchaseAsync(saleId, 1, "k-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("unavailable", await Api.ReasonAsync(failed));
        Assert.True(failed.Headers.RetryAfter is not null, "503 without Retry-After");
        Assert.Equal(1, (await _admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());

        Execute("DROP TRIGGER fail_orders;");
        // Right after a failed commit the store takes no purchase (cool-down), then tries again.
        using var tooSoon = await buyer.PurchaseAsync(saleId, 1, "k-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, tooSoon.StatusCode);
        _clock.Advance(TimeSpan.FromSeconds(3));
        using var retried = await buyer.PurchaseAsync(saleId, 1, "k-1");
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(0, (await _admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
        Assert.Single(await _admin.AllOrdersAsync(saleId));
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_app.DataPath, "flashsale.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
