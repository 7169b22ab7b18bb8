using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A failed read of the public list's stock is not kept (ListStockCache): with Redis down the list answers 503, and once
/// Redis is back the next request reads again, although the server's clock (frozen here) never lets the max age pass.
/// </summary>
public sealed class ListStockRedisOutageTests() : OwnRedisAppTest(_ => new() { ["RateLimiting:Enabled"] = "false", ["Distributed:MaxClockSkew"] = "00:00:00" },
    services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)))
{
    private static readonly ManualClock Clock = ManualClock.OnAWholeMillisecond();

    [Fact]
    public async Task AFailedReadIsNotKept_TheListAnswersAgainOnceRedisIsBack()
    {
        var admin = await Api.AsAdminAsync(App.CreateClient());
        var now = Clock.GetUtcNow();
        var sale = (await admin.CreateSaleAsync(stock: 10, startsAt: now.AddMinutes(-1), endsAt: now.AddHours(1))).Id();
        var buyer = admin.Anonymous();

        await Redis.KillAsync();
        using (var down = await buyer.GetAsync("/api/v1/sales"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("unavailable", await Api.ReasonAsync(down));
        }

        await Redis.StartAsync();
        // The multiplexer reconnects within a second or so; a failure kept would answer 503 for as long as the clock stands.
        var status = HttpStatusCode.ServiceUnavailable;
        string body = "";
        for (var i = 0; i < 150 && status != HttpStatusCode.OK; i++)
        {
            using var response = await buyer.GetAsync("/api/v1/sales");
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync();
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }

        Assert.True(status == HttpStatusCode.OK, $"the list answered {(int)status} with Redis back: {body}");
        // The clock was never moved, so no kept entry aged out: this read was made because the failure was not kept.
        Assert.Contains(sale, body, StringComparison.Ordinal);
    }
}
