using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// deploy/nginx.conf's per-address bound (<c>limit_conn perip</c>, lowered here to 2): nginx's own refusal is a 429
/// problem+json with Retry-After, as the instances' 429s are (it was nginx's bare HTML 429 without Retry-After, which
/// the drill's retry-after check counts as a violation), and an instance's own 429 still passes through untouched.
/// </summary>
public sealed class NginxConnectionLimitTests() : AdminAppTest(new TestApp(realSocket: true, settings: new Dictionary<string, string?>
{
    // nginx is the only client the instance sees, and it is not a trusted proxy here: the per-IP rule is lifted.
    ["RateLimiting:Rules:per-ip:PermitLimit"] = "1000000",
    ["RateLimiting:Rules:auth-per-ip:PermitLimit"] = "1",
}))
{
    [Fact]
    public async Task OverTheLimit_NginxAnswers429ProblemJsonWithRetryAfter_AndTheInstances429sPassThrough()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        await using var nginx = await NginxProcess.StartAsync([App.CreateClient().BaseAddress!], perAddressLimit: 2);
        using var http = new HttpClient { BaseAddress = nginx.BaseAddress };

        // Two live streams hold the address's two requests open.
        await using var first = await SseClient.ConnectAsync(http, sale);
        await using var second = await SseClient.ConnectAsync(http, sale);
        using (var refused = await http.GetAsync("/api/v1/sales"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
            Assert.Equal("rate_limited", problem["reason"]!.GetValue<string>());
            Assert.Equal(429, problem["status"]!.GetValue<int>());
        }

        await first.DisposeAsync();
        // One stream closed: the next request is the instance's to answer. Its own 429 (auth-per-ip, one sign-in a
        // minute, the test's own taken) comes through as the instance wrote it, its rule named.
        for (var attempt = 0; ; attempt++)
        {
            using var signIn = await http.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = "wrong-password-1" });
            if (await Api.ReasonAsync(signIn) == "rate_limited" && JsonNode.Parse(await signIn.Content.ReadAsStringAsync())!["rule"] is { } rule)
            {
                Assert.Equal("auth-per-ip", rule.GetValue<string>());
                break;
            }

            Assert.True(attempt < 50, $"the instance's own 429 never came through: {(int)signIn.StatusCode}");
            await Task.Delay(100);
        }
    }
}
