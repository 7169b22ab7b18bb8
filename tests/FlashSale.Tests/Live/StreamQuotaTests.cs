using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Live;

/// <summary>
/// One client address may hold at most <c>Live:MaxStreamsPerClient</c> live streams open; the next answers 429 with
/// Retry-After until one closes. Without it, one address could hold every connection of an instance open with
/// streams the rate limits counted only as they opened. A real socket: the cap counts by client address.
/// </summary>
public sealed class StreamQuotaTests() : AdminAppTest(new TestApp(realSocket: true, settings: new Dictionary<string, string?>
{
    ["Live:MaxStreamsPerClient"] = "2",
}))
{
    [Fact]
    public async Task OneAddress_HoldsAtMostItsShareOfStreams_AndGetsAnotherWhenOneCloses()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        await using var first = await SseClient.ConnectAsync(App.CreateClient(), sale);
        await using var second = await SseClient.ConnectAsync(App.CreateClient(), sale);
        Assert.Equal("snapshot", (await second.NextAsync()).Name);

        using (var third = await App.CreateClient().GetAsync($"/api/v1/sales/{sale}/events", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            var problem = await third.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal("rate_limited", problem!["reason"]!.GetValue<string>());
            // As every 429 names its rule and wait (until 2026-12-07 this one named neither).
            Assert.Equal("live-streams", problem["rule"]!.GetValue<string>());
            Assert.Equal(third.Headers.RetryAfter!.Delta!.Value.TotalSeconds, problem["retryAfter"]!.GetValue<int>());
        }

        // The operator sees it: counted as the rate-limit rules' refusals are.
        var metrics = await App.CreateClient().GetStringAsync("/metrics");
        Assert.Matches(new Regex("""^flashsale_rate_limited_total\{[^}]*rule="live-streams"[^}]*\} 1\b""", RegexOptions.Multiline), metrics);

        await first.DisposeAsync();
        // The server sees the close on its next write at the latest (the heartbeat); asked again until then.
        for (var attempt = 0; ; attempt++)
        {
            using var again = await App.CreateClient().GetAsync($"/api/v1/sales/{sale}/events", HttpCompletionOption.ResponseHeadersRead);
            if (again.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
            Assert.True(attempt < 100, "no stream freed 10 s after one closed");
            await Task.Delay(100);
        }
    }
}
