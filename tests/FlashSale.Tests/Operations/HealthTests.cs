using System.Net;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace FlashSale.Tests.Operations;

public sealed class HealthTests : IAsyncLifetime
{
    private readonly TestApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Ready_TurnsUnready_WhileTheStoreIsLocked_AndReadyAgainAfter()
    {
        var client = _app.CreateClient();
        using (var ready = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // Another process holding the database's write lock: the store cannot take purchases.
        using (var blocker = new SqliteConnection($"Data Source={Path.Combine(_app.DataPath, "flashsale.db")};Pooling=False"))
        {
            blocker.Open();
            using var tx = blocker.BeginTransaction();
            using (var write = blocker.CreateCommand())
            {
                write.Transaction = tx;
                write.CommandText = "UPDATE sales SET description = description";
                write.ExecuteNonQuery();
            }

            using var unready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
            Assert.NotNull(unready.Headers.RetryAfter);
            using var live = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            tx.Rollback();
        }

        using var again = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}
