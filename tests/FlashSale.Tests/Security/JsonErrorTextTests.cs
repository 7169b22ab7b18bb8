using System.Net;
using System.Text.Json;
using FlashSale.Admin;
using FlashSale.Common;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// A body the serializer refuses is answered with the property and what it must be, in the API's terms. Until 2026-12-07
/// the detail was the serializer's: "The JSON value could not be converted to FlashSale.Admin.CreateSaleRequest" for a
/// number sent as a SKU, "…Consider updating its nullability annotation" for a null, "JSON deserialization for type
/// 'FlashSale.Admin.CreateSaleRequest' was missing required properties…" — .NET type names and .NET advice.
/// </summary>
public sealed class JsonErrorTextTests() : AdminAppTest(new TestApp())
{
    private const string Times = "\"startsAt\":\"2027-01-01T00:00:00Z\",\"endsAt\":\"2027-01-02T00:00:00Z\"";

    [Theory]
    [InlineData("{\"sku\":5,\"productName\":\"x\",\"price\":1,\"totalStock\":1," + Times + "}", "Invalid value at '$.sku': expected a string.")]
    [InlineData("{\"sku\":\"A\",\"productName\":\"x\",\"price\":1,\"totalStock\":true," + Times + "}", "Invalid value at '$.totalStock': expected a whole number.")]
    [InlineData("{\"sku\":\"A\",\"productName\":\"x\",\"price\":1,\"totalStock\":1.5," + Times + "}", "Invalid value at '$.totalStock': expected a whole number.")]
    [InlineData("{\"sku\":\"A\",\"productName\":[\"x\"],\"price\":1,\"totalStock\":1," + Times + "}", "Invalid value at '$.productName': expected a string.")]
    [InlineData("{\"sku\":\"A\",\"productName\":null,\"price\":1,\"totalStock\":1," + Times + "}", "Invalid value at '$.productName': must not be null.")]
    [InlineData("{\"sku\":\"A\",\"productName\":\"x\",\"price\":1,\"totalStock\":1,\"startsAt\":\"2027-01-01T00:00:00Z\"}", "Required properties are missing: 'endsAt'.")]
    // Our converters' words in the same form (until 2026-12-07 "Expected a JSON number.", "Expected an ISO 8601…", "The
    // number cannot…", capitalised mid-sentence), and every null "must not be null." (a number's was "expected a whole
    // number." or "Expected a JSON number.", a string's "must not be null.").
    [InlineData("{\"sku\":\"A\",\"productName\":\"x\",\"price\":\"10\",\"totalStock\":1," + Times + "}", "Invalid value at '$.price': expected a number.")]
    [InlineData("{\"sku\":\"A\",\"productName\":\"x\",\"price\":1e-29,\"totalStock\":1," + Times + "}",
        "Invalid value at '$.price': cannot be held exactly (at most 28 significant digits, none smaller than 1e-28).")]
    [InlineData("{\"sku\":\"A\",\"productName\":\"x\",\"price\":1,\"totalStock\":1,\"startsAt\":\"2027-01-01T00:00:00\",\"endsAt\":\"2027-01-02T00:00:00Z\"}",
        "Invalid value at '$.startsAt': expected an ISO 8601 date and time with its offset, such as 2026-12-06T08:00:00Z.")]
    [InlineData("{\"sku\":\"A\",\"productName\":\"x\",\"price\":null,\"totalStock\":1," + Times + "}", "Invalid value at '$.price': must not be null.")]
    [InlineData("{\"sku\":\"A\",\"productName\":\"x\",\"price\":1,\"totalStock\":null," + Times + "}", "Invalid value at '$.totalStock': must not be null.")]
    [InlineData("{\"sku\":\"A\",\"productName\":\"x\",\"price\":1,\"totalStock\":1,\"startsAt\":null,\"endsAt\":\"2027-01-02T00:00:00Z\"}",
        "Invalid value at '$.startsAt': must not be null.")]
    public async Task ASaleBodyOfTheWrongShape_SaysWhichPropertyAndWhatItMustBe(string body, string detail)
    {
        using var response = await Admin.PostJsonAsync("/api/v1/admin/sales", body);

        await AssertInvalidJsonAsync(response, detail);
    }

    [Theory]
    [InlineData("{\"quantity\":1.0}")]
    [InlineData("{\"quantity\":1e400}")]
    [InlineData("{\"quantity\":\"1\"}")]
    public Task APurchaseQuantityThatIsNoWholeNumber_SaysSo(string body) =>
        AssertPurchaseRefusedAsync(body, "Invalid value at '$.quantity': expected a whole number.");

    /// <summary>
    /// A whole number too large for any count here is one, out of range: said so, with the range a body's whole number
    /// can have (until 2026-12-07 "expected a whole number.", which it is). The quantity's own range is the sale's limit,
    /// checked after (<c>validation_failed</c>). Nothing is bought.
    /// </summary>
    [Theory]
    [InlineData("{\"quantity\":99999999999999999999}")]
    [InlineData("{\"quantity\":2147483648}")]
    [InlineData("{\"quantity\":-2147483649}")]
    public Task AQuantityPastAWholeNumbersRange_SaysItIsOutOfRange(string body) =>
        AssertPurchaseRefusedAsync(body, "Invalid value at '$.quantity': out of range; expected a whole number from -2,147,483,648 to 2,147,483,647.");

    /// <summary>A null quantity is said as any null is (until 2026-12-07 "expected a whole number.", as for 1.5).</summary>
    [Fact]
    public Task ANullQuantity_MustNotBeNull() =>
        AssertPurchaseRefusedAsync("{\"quantity\":null}", "Invalid value at '$.quantity': must not be null.");

    /// <summary>
    /// An instant with its offset that only the offset takes past year 1 or 9999: said to be out of range, where until
    /// 2026-12-07 it was told to carry the offset it had.
    /// </summary>
    [Theory]
    [InlineData("0001-01-01T00:00:00+01:00", "startsAt")]
    [InlineData("9999-12-31T23:59:59-01:00", "endsAt")]
    public async Task AnInstantOutsideTheYearsKept_IsSaidToBeOutOfRange(string instant, string field)
    {
        var times = field == "startsAt"
            ? $"\"startsAt\":\"{instant}\",\"endsAt\":\"2027-01-02T00:00:00Z\""
            : $"\"startsAt\":\"2027-01-01T00:00:00Z\",\"endsAt\":\"{instant}\"";
        using var response = await Admin.PostJsonAsync("/api/v1/admin/sales",
            $"{{\"sku\":\"A\",\"productName\":\"x\",\"price\":1,\"totalStock\":1,{times}}}");

        await AssertInvalidJsonAsync(response, $"Invalid value at '$.{field}': out of range; expected an instant between the years 0001 and 9999 in UTC.");
        using var list = await Admin.GetAsync("/api/v1/sales?endsAfter=" + Uri.EscapeDataString(instant));
        Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
        Assert.Contains("must be an instant between the years 0001 and 9999 in UTC.", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A number followed by a character no number has is that value's error, not a body cut short.</summary>
    [Fact]
    public Task ANumberWithAStrayCharacter_IsTheValuesError() =>
        AssertPurchaseRefusedAsync("{\"quantity\":1x}", "Invalid value at '$.quantity': 'x' is an invalid end of a number. Expected a delimiter.");

    /// <summary>
    /// A property given twice, or one the body has no field for: the serializer's words named the request's .NET type
    /// ("…during deserialization of type 'FlashSale.Purchasing.PurchaseRequest'") until 2026-12-07, to anonymous callers
    /// too through registration. The purchase changes nothing.
    /// </summary>
    [Theory]
    [InlineData("{\"quantity\":1,\"quantity\":1}", "The property '$.quantity' is given more than once; give each property once.")]
    [InlineData("{\"quantity\":1,\"userId\":\"someone-else\"}", "Unknown property '$.userId'; the properties here are: quantity, expectedUnitPrice, expectedCurrency.")]
    public Task APurchaseWithARepeatedOrUnknownProperty_SaysSoInTheApisTerms(string body, string detail) =>
        AssertPurchaseRefusedAsync(body, detail);

    /// <summary>
    /// Property names are matched ignoring case (the web defaults, kept: docs/api.md), so a name in another case is the
    /// property itself, and given in two cases it is given twice.
    /// </summary>
    [Fact]
    public async Task APropertyInAnotherCase_IsThatProperty()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5, perUserLimit: 2))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        using (var bought = await buyer.PostJsonAsync($"/api/v1/sales/{sale}/purchases", "{\"QUANTITY\":2}"))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        using var twice = await buyer.PostJsonAsync($"/api/v1/sales/{sale}/purchases", "{\"quantity\":1,\"Quantity\":1}");
        await AssertInvalidJsonAsync(twice, "The property '$.Quantity' is given more than once; give each property once.");
        Assert.Equal(3, (await Admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
    }

    /// <summary>
    /// A trailing comma is said in the API's words. Until 2026-12-07 it was the reader's "…which is not supported in this
    /// mode. Change the reader options.", advice for the server's developer, not the client.
    /// </summary>
    [Theory]
    [InlineData("{\"quantity\":1,}", "A trailing comma is not allowed: remove the comma after the last property of '$'.")]
    [InlineData("{\"quantity\":1 ,\r\n }", "A trailing comma is not allowed: remove the comma after the last property of '$'.")]
    public Task ATrailingComma_SaysItIsNotAllowed_NotHowToConfigureAReader(string body, string detail) =>
        AssertPurchaseRefusedAsync(body, detail);

    [Theory]
    [InlineData("{\"counts\":[1,2,]}", "A trailing comma is not allowed: remove the comma after the last item of '$.counts'.")]
    [InlineData("{\"counts\":[1],}", "A trailing comma is not allowed: remove the comma after the last property of '$'.")]
    public void ATrailingCommaInAnArray_SaysItem(string body, string detail)
    {
        var refused = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Holder>(body, StrictJson.Options));

        Assert.Equal(detail, JsonErrorText.Describe(refused, typeof(Holder), StrictJson.Options));
    }

    [Fact]
    public async Task ARegistrationWithAnUnknownProperty_NamesTheFields_NotATypeOfOurs()
    {
        using var response = await Admin.Anonymous().PostJsonAsync("/api/v1/accounts",
            "{\"username\":\"zz1-role\",\"password\":\"correct horse battery\",\"role\":\"admin\"}");

        await AssertInvalidJsonAsync(response, "Unknown property '$.role'; the properties here are: username, password.");
    }

    /// <summary>A string that is no text (reversed surrogates): it said "expected an object", having no word for a date.</summary>
    [Fact]
    public async Task ADateThatIsNoText_SaysADateIsExpected()
    {
        using var response = await Admin.PostJsonAsync("/api/v1/admin/sales",
            "{\"sku\":\"A\",\"productName\":\"x\",\"price\":1,\"totalStock\":1,\"startsAt\":\"\\udc00\\ud800\",\"endsAt\":\"2027-01-02T00:00:00Z\"}");

        await AssertInvalidJsonAsync(response, "Invalid value at '$.startsAt': expected a date and time in ISO 8601 with its offset (a string).");
    }

    [Fact]
    public async Task ARegistrationWithANumberForAName_SaysItMustBeAString()
    {
        using var response = await Admin.Anonymous().PostJsonAsync("/api/v1/accounts", "{\"username\":5,\"password\":\"long-enough-1\"}");

        await AssertInvalidJsonAsync(response, "Invalid value at '$.username': expected a string.");
    }

    /// <summary>
    /// An empty body, or one of whitespace only, on every endpoint that reads JSON: said plainly, with what to send. Until
    /// 2026-12-07 it was the reader's "The input does not contain any JSON tokens. Expected the input to start with a valid
    /// JSON token, when isFinalBlock is true." Nothing is bought.
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData(" \r\n\t ")]
    public async Task AnEmptyBody_SaysItIsEmpty_OnEveryJsonEndpoint(string body)
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        using (var response = await buyer.PostJsonAsync($"/api/v1/sales/{sale}/purchases", body))
        {
            await AssertInvalidJsonAsync(response, "The body is empty; send a JSON object (the properties here are: quantity, expectedUnitPrice, expectedCurrency).");
        }

        Assert.Equal(5, (await Admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
        foreach (var (method, path, client) in new[]
        {
            (HttpMethod.Post, "/api/v1/admin/sales", Admin),
            (HttpMethod.Patch, $"/api/v1/admin/sales/{sale}", Admin),
            (HttpMethod.Post, "/api/v1/accounts", Admin.Anonymous()),
            (HttpMethod.Post, "/api/v1/auth/token", Admin.Anonymous()),
        })
        {
            using var response = await client.SendAsync(method, path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_json", await Api.ReasonAsync(response));
            var said = await Api.DetailAsync(response);
            Assert.StartsWith("The body is empty; send a JSON object (the properties here are: ", said, StringComparison.Ordinal);
            Assert.DoesNotContain("token", said, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>
    /// A body cut short is said to be cut short, not an invalid value: until 2026-12-07 <c>{"quantity":</c> read "Invalid
    /// value at '$.quantity': Expected depth to be zero at the end of the JSON payload.", a field's error for no value; and
    /// <c>{"quantity":12</c> "Invalid value at '$.quantity': '2' is an invalid end of a number.", as if 12 were wrong.
    /// </summary>
    [Theory]
    [InlineData("{\"quantity\":")]
    [InlineData("{\"quantity\":12")]
    [InlineData("{\"expectedUnitPrice\":9.5")]
    [InlineData("{\"quantity\":1,\"expectedCurrency\":\"US")]
    public async Task ABodyCutShort_SaysSo_AndBuysNothing(string body)
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        using var response = await buyer.PostJsonAsync($"/api/v1/sales/{sale}/purchases", body);

        await AssertInvalidJsonAsync(response, "The body ends before its JSON does: an object, array or string is not closed (a body cut short?).");
        Assert.Equal(5, (await Admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
    }

    /// <summary>The path resolver on its own: nested properties, array items, quoted names, and paths it cannot follow.</summary>
    [Theory]
    [InlineData("$.price", "a number")]
    [InlineData("$.perUserLimit", "a whole number")]
    [InlineData("$['sku']", "a string")]
    [InlineData("$.nothing", null)]
    [InlineData("$.sku.deeper", null)]
    public void ThePath_IsFollowedThroughTheBodyType(string path, string? expected) =>
        Assert.Equal(expected, JsonErrorText.Expected(typeof(CreateSaleRequest), path, StrictJson.Options));

    [Fact]
    public void AnArrayItem_IsItsElementType() =>
        Assert.Equal("a whole number", JsonErrorText.Expected(typeof(Holder), "$.counts[3]", StrictJson.Options));

    private sealed record Holder(List<int> Counts);

    /// <summary>A purchase with <paramref name="body"/> is refused <c>invalid_json</c> with <paramref name="detail"/>, and buys nothing.</summary>
    private async Task AssertPurchaseRefusedAsync(string body, string detail)
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        using var response = await buyer.PostJsonAsync($"/api/v1/sales/{sale}/purchases", body);

        await AssertInvalidJsonAsync(response, detail);
        Assert.Equal(5, (await Admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
    }

    private static async Task AssertInvalidJsonAsync(HttpResponseMessage response, string detail)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", await Api.ReasonAsync(response));
        var said = await Api.DetailAsync(response);
        Assert.Equal(detail, said);
        Assert.DoesNotContain("FlashSale.", said, StringComparison.Ordinal);
    }
}
