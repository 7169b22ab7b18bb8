using System.Net;
using System.Text;
using FlashSale.Drill.Api;

namespace FlashSale.Drill.Tests;

/// <summary>
/// How <see cref="FlashSaleClient.PurchaseAsync"/> records a real HTTP answer: a 5xx's <c>outcomeUnknown</c> is read from
/// an <c>application/problem+json</c> body only (true / false when absent); anything else leaves it null (unknown).
/// </summary>
public sealed class PurchaseResponseParsingTests
{
    private const string Problem503 =
        """{"type":"about:blank","title":"The service cannot take this request right now.","status":503,"detail":"%DETAIL%","reason":"unavailable"%EXTRA%}""";

    [Theory]
    // The field decides, whatever the detail says.
    [InlineData(503, "application/problem+json", "nothing was bought", ",\"outcomeUnknown\":true", true)]
    [InlineData(503, "application/problem+json", "Too many purchases at once. Try again.", "", false)]
    [InlineData(503, "application/problem+json; charset=utf-8", "retry with the same key to learn its outcome", ",\"outcomeUnknown\":false", false)]
    // Not the server's problem: a JSON body of another type says nothing.
    [InlineData(503, "application/json", "nothing was bought", "", null)]
    public async Task A503_RecordsOutcomeUnknownFromTheProblemOnly(int status, string contentType, string detail, string extra,
        bool? expected)
    {
        var body = Problem503.Replace("%DETAIL%", detail, StringComparison.Ordinal).Replace("%EXTRA%", extra, StringComparison.Ordinal);

        var result = await PurchaseAnsweredAsync(status, body, contentType);

        Assert.Equal(status, result.Status);
        Assert.Equal("unavailable", result.Reason);
        Assert.Equal(detail, result.Detail);
        Assert.Equal(expected, result.OutcomeUnknown);
    }

    [Theory]
    [InlineData(502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")]
    [InlineData(504, "<html><head><title>504 Gateway Time-out</title></head><body>nothing was bought</body></html>")]
    [InlineData(503, "<html><head><title>503 Service Temporarily Unavailable</title></head><body>nginx</body></html>")]
    public async Task A5xxHtmlPage_HasNoProblem_SoItsOutcomeIsUnknown(int status, string html)
    {
        var result = await PurchaseAnsweredAsync(status, html, "text/html");

        Assert.Equal(status, result.Status);
        Assert.Null(result.Reason);
        Assert.Null(result.OutcomeUnknown);
    }

    [Fact]
    public async Task A4xxProblem_RecordsNoOutcomeUnknown()
    {
        var result = await PurchaseAnsweredAsync(409,
            """{"type":"about:blank","title":"Sold out.","status":409,"detail":"Only 0 left.","reason":"sold_out"}""", "application/problem+json");

        Assert.Equal("sold_out", result.Reason);
        Assert.Null(result.Detail);
        Assert.Null(result.OutcomeUnknown);
    }

    [Fact]
    public async Task A201_RecordsTheBuyerSaleAndUnitsItNames()
    {
        var result = await PurchaseAnsweredAsync(201,
            """{"orderId":"o-1","saleId":"sale-9","userId":"u-7","quantity":2,"status":"confirmed"}""", "application/json");

        Assert.Equal(("o-1", "confirmed"), (result.OrderId, result.OrderStatus));
        Assert.Equal(("u-7", "sale-9", 2), (result.AckUserId, result.AckSaleId, result.AckQuantity));
    }

    [Fact]
    public async Task A409_RecordsTheNumbersItCarries()
    {
        var soldOut = await PurchaseAnsweredAsync(409,
            """{"status":409,"detail":"Only 2 left.","reason":"sold_out","remaining":2}""", "application/problem+json");
        var limit = await PurchaseAnsweredAsync(409,
            """{"status":409,"detail":"You hold 1 of the 3 allowed per buyer.","reason":"limit_reached","held":1,"limit":3}""",
            "application/problem+json");

        Assert.Equal(2, soldOut.Remaining);
        Assert.Equal((1, 3), (limit.Held, limit.Limit));
        Assert.Null(limit.Remaining);
    }

    private static async Task<PurchaseResult> PurchaseAnsweredAsync(int status, string body, string contentType)
    {
        using var http = new HttpClient(new OneAnswer(status, body, contentType));
        var client = new FlashSaleClient(http, new Uri("http://flashsale.test/"), TimeSpan.FromSeconds(10));
        return await client.PurchaseAsync("t-buyer", "sale-1", 1, "key-1", TestContext.Token);
    }

    private sealed class OneAnswer(int status, string body, string contentType) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            return Task.FromResult(new HttpResponseMessage((HttpStatusCode)status) { Content = content });
        }
    }
}
