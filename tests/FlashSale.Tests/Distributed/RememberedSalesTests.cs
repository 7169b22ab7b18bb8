using System.Diagnostics;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// An instance remembers the sales buyers read while PostgreSQL's notices of every write reach it: a write by another
/// instance or by hand is seen here; while notices cannot arrive (connection cut, or stalled and found out by the ping)
/// nothing is served from memory, and a write missed meanwhile is read once it listens again.
/// </summary>
public sealed class RememberedSalesTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AnotherInstancesWrites_AreSeenByThisInstance()
    {
        await using var reader = new TestApp(kind: StorageKind.Redis);
        await using var writer = new TestApp(storage: reader.Storage);
        var viaWriter = await Api.AsAdminAsync(writer.CreateClient());
        var viaReader = await Api.AsAdminAsync(reader.CreateClient());
        var saleId = (await viaWriter.CreateSaleAsync(stock: 5)).Id();
        var listener = await ListeningAsync(reader);

        await RememberedAsync(viaReader, listener, saleId);

        using (var patched = await viaWriter.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", """{"description":"changed elsewhere"}"""))
        {
            await Api.EnsureAsync(patched, System.Net.HttpStatusCode.OK);
        }

        await EventuallyAsync(async () => await DescriptionAsync(viaReader, saleId) == "changed elsewhere", "the other instance's change");
        Assert.Equal("changed elsewhere", await ListedDescriptionAsync(viaReader, saleId));

        using (var ended = await viaWriter.PostEmptyAsync($"/api/v1/admin/sales/{saleId}/end"))
        {
            await Api.EnsureAsync(ended, System.Net.HttpStatusCode.OK);
        }

        await EventuallyAsync(async () => (await viaReader.GetJsonAsync($"/api/v1/sales/{saleId}"))["status"]!.GetValue<string>() == "ended",
            "the other instance's end");
    }

    [Fact]
    public Task NoticesCut_NothingServedFromMemory_AndAWriteMissedMeanwhileIsRead() =>
        WriteWhileDeaf_IsReadOnceListeningAgainAsync(proxy => proxy.Cut(), proxy => proxy.Start());

    /// <summary>A stalled connection raises no error: only the ping (after a quiet PingAfter, with its own timeout) can tell.</summary>
    [Fact]
    public Task NoticesStalled_ThePingFindsOut_AndAWriteMissedMeanwhileIsRead() =>
        WriteWhileDeaf_IsReadOnceListeningAgainAsync(proxy => proxy.Stall(), proxy => proxy.Resume());

    /// <summary>
    /// The instance's way to PostgreSQL broken (<paramref name="breakIt"/>) while a sale is written by hand: the listener
    /// goes deaf and nothing is served from memory; mended, the write is what the instance reads, one by one and listed.
    /// </summary>
    private static async Task WriteWhileDeaf_IsReadOnceListeningAgainAsync(Action<TcpProxy> breakIt, Action<TcpProxy> mendIt)
    {
        await using var record = RecordBehindProxy.Create(new Dictionary<string, string?>());
        var admin = await Api.AsAdminAsync(record.App.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 5)).Id();
        var listener = await ListeningAsync(record.App);
        await RememberedAsync(admin, listener, saleId);

        breakIt(record.Proxy);
        try
        {
            await SetDescriptionByHandAsync(record.Storage, saleId, "written while deaf");
            await EventuallyAsync(() => Task.FromResult(!listener.Listening), "the listener finding its connection broken");
            Assert.False(listener.Rows.TryGet(Guid.Parse(saleId), out _), "a sale stayed remembered while no notice can arrive");
            Assert.False(listener.Rows.TryGetList(out _), "the list stayed remembered while no notice can arrive");
        }
        finally
        {
            mendIt(record.Proxy);
        }

        await ListeningAsync(record.App);
        Assert.Equal("written while deaf", await AnsweredAsync(() => DescriptionAsync(admin, saleId)));
        Assert.Equal("written while deaf", await AnsweredAsync(() => ListedDescriptionAsync(admin, saleId)));
    }

    [Fact]
    public async Task RememberSalesOff_NothingRemembered()
    {
        await using var app = new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?> { ["Distributed:RememberSales"] = "false" });
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 5)).Id();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(await DescriptionAsync(admin, saleId), await ListedDescriptionAsync(admin, saleId));
        }

        var listener = app.Services.GetRequiredService<SaleChangeListener>();
        Assert.False(listener.Listening);
        Assert.False(listener.Rows.TryGet(Guid.Parse(saleId), out _));
        Assert.False(listener.Rows.TryGetList(out _));
    }

    internal static async Task<SaleChangeListener> ListeningAsync(TestApp app)
    {
        var listener = app.Services.GetRequiredService<SaleChangeListener>();
        await EventuallyAsync(() => Task.FromResult(listener.Listening), "the listener listening");
        return listener;
    }

    /// <summary>
    /// Reads the sale and the list until both are remembered (the notice of the sale's own creation may arrive after a
    /// first read).
    /// </summary>
    private static Task RememberedAsync(Api api, SaleChangeListener listener, string saleId) =>
        EventuallyAsync(async () =>
        {
            Assert.Equal(await DescriptionAsync(api, saleId), await ListedDescriptionAsync(api, saleId));
            return listener.Rows.TryGet(Guid.Parse(saleId), out _) && listener.Rows.TryGetList(out _);
        }, "the sale and the list read being remembered");

    private static async Task<string> DescriptionAsync(Api api, string saleId) =>
        (await api.GetJsonAsync($"/api/v1/sales/{saleId}"))["description"]!.GetValue<string>();

    private static async Task<string> ListedDescriptionAsync(Api api, string saleId) =>
        (await api.GetJsonAsync("/api/v1/sales"))["items"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == saleId)!["description"]!
            .GetValue<string>();

    /// <summary>A write no instance makes: straight to PostgreSQL, as an operator would.</summary>
    private static async Task SetDescriptionByHandAsync(TestStorage storage, string saleId, string description)
    {
        await using var connection = new NpgsqlConnection(storage.PostgresConnectionString);
        await connection.OpenAsync();
        await using var update = new NpgsqlCommand("UPDATE sales SET description = $1 WHERE id = $2", connection);
        update.Parameters.AddWithValue(description);
        update.Parameters.AddWithValue(Guid.Parse(saleId));
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }

    /// <summary>
    /// The first answer once the instance serves reads again: it answers 503 until its own check of PostgreSQL (the
    /// persister's ping) has seen the record back, which may come after the listener is back.
    /// </summary>
    private static async Task<string> AnsweredAsync(Func<Task<string>> read)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await read();
            }
            catch (Xunit.Sdk.XunitException ex) when (ex.Message.Contains("got 503", StringComparison.Ordinal) && watch.Elapsed < Bound)
            {
                await Task.Delay(50);
            }
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < Bound, $"{what}: not within {Bound.TotalSeconds} s");
            await Task.Delay(20);
        }
    }
}
