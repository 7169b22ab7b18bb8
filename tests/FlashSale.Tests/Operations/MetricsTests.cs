using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// .NET meters are process-wide (every host's exporter listens to every meter named <c>FlashSale</c>),
/// so exact counts are asserted with no other test server in the process.
/// </summary>
[Collection(ProcessWideMetrics.Name)]
public sealed partial class MetricsTests : IAsyncLifetime
{
    private readonly TestApp _app = new(realSocket: true);
    private Api _admin = null!;

    public async Task InitializeAsync()
    {
        _app.StartServer();
        _admin = await Api.AsAdminAsync(_app.CreateClient());
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task AfterABurst_PurchaseCountersMatchTheResponses()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 7))["id"]!.GetValue<string>();
        var buyers = await _admin.MintBuyersAsync(30);

        var statuses = await Task.WhenAll(buyers.Select(async b =>
        {
            using var response = await _admin.WithToken(b.Token).PurchaseAsync(saleId);
            return response.StatusCode;
        }));

        var text = await _app.CreateClient().GetStringAsync("/metrics");
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.Created), Counter(text, "created"));
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.Conflict), Counter(text, "sold_out"));
        Assert.Contains("flashsale_commit_batch_size", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheBuyForm_IsCountedAsTheApiIs()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var browsers = new List<Browser>();
        foreach (var name in new[] { "form-a-", "form-b-" })
        {
            var username = name + Guid.NewGuid().ToString("N")[..8];
            using var registered = await _admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = "buyer-password-1" });
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
            var browser = Browser.Open(_app);
            await browser.SignInAsync(username, "buyer-password-1");
            browsers.Add(browser);
        }

        foreach (var browser in browsers)
        {
            using var bought = await browser.SubmitAsync($"/sales/{saleId}", $"/sales/{saleId}/buy",
                new() { ["quantity"] = "1", ["key"] = Guid.NewGuid().ToString("N") });
            Assert.Equal(HttpStatusCode.Redirect, bought.StatusCode);
        }

        var text = await _app.CreateClient().GetStringAsync("/metrics");
        Assert.Equal(1, Counter(text, "created"));
        Assert.Equal(1, Counter(text, "sold_out"));
    }

    private static long Counter(string metrics, string outcome)
    {
        var match = Regex.Match(metrics, $$"""^flashsale_purchases_total\{[^}]*outcome="{{outcome}}"[^}]*\} (\d+)""", RegexOptions.Multiline);
        Assert.True(match.Success, $"no purchases counter for {outcome} in:\n{metrics}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
