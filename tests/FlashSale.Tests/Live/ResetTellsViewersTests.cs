using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Live;

/// <summary>
/// The development reset tells a wiped sale's viewers at once, as the Redis ledger's does. The embedded ledger
/// dropped its books without a word: a viewer read <c>gone</c> only at its feed's next heartbeat, ~15 s later.
/// </summary>
public sealed class ResetTellsViewersTests
{
    [Fact]
    public async Task AViewerOfAWipedSale_ReadsGone_Promptly_NotAtTheNextHeartbeat()
    {
        await using var app = new TestApp(realSocket: true);
        var http = app.CreateClient();
        var admin = await Api.AsAdminAsync(http);
        var saleId = (await admin.CreateSaleAsync(stock: 3)).Id();
        await using var viewer = await SseClient.ConnectAsync(app.CreateClient(), saleId);
        Assert.Equal("snapshot", (await viewer.NextAsync()).Name);

        using (var reset = await admin.PostEmptyAsync("/api/v1/admin/reset"))
        {
            await Api.EnsureAsync(reset, System.Net.HttpStatusCode.OK);
        }

        // Well inside the heartbeat (15 s), which is when the feed read the sale again before.
        var (gone, _) = await viewer.UntilAsync(e => e.Name == "gone", TimeSpan.FromSeconds(5));
        Assert.Equal("gone", gone.Name);
    }
}
