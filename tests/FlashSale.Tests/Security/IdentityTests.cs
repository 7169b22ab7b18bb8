using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>G8: identity from the token only; admin needs the admin role; orders stay private.</summary>
public sealed class IdentityTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task NoToken_Buying_Is401AndChangesNothing()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();

        using var response = await Admin.Anonymous().PurchaseAsync(saleId);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", await Api.ReasonAsync(response));
        Assert.Equal(5, (await Admin.StockAsync(saleId))["remainingStock"]!.GetValue<int>());
    }

    [Fact]
    public async Task ForgedToken_Is401()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var token = (await Admin.MintBuyersAsync(1))[0].Token;
        var forged = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");

        using var response = await Admin.WithToken(forged).PurchaseAsync(saleId);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task UserIdInTheBody_IsRejectedNotObeyed()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        using var response = await buyer.PostJsonAsync($"/api/v1/sales/{saleId}/purchases", """{"quantity":1,"userId":"someone-else"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await Admin.AllOrdersAsync(saleId));
    }

    [Fact]
    public async Task AUserCannotReadAnothersOrder()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyers = await Admin.MintBuyersAsync(2);
        var alice = Admin.WithToken(buyers[0].Token);
        var mallory = Admin.WithToken(buyers[1].Token);
        using var bought = await alice.PurchaseAsync(saleId);
        var location = bought.Headers.Location!.ToString();

        using var own = await alice.GetAsync(location);
        using var stolen = await mallory.GetAsync(location);
        var malloryOrders = await mallory.GetJsonAsync("/api/v1/me/orders");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        Assert.Empty(malloryOrders["items"]!.AsArray());
        Assert.Single((await alice.GetJsonAsync("/api/v1/me/orders"))["items"]!.AsArray());
    }

    [Fact]
    public async Task BuyerToken_OnAdminEndpoints_Is403()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        using var create = await buyer.PostJsonAsync("/api/v1/admin/sales", "{}");
        using var orders = await buyer.GetAsync($"/api/v1/admin/sales/{saleId}/orders");
        using var mint = await buyer.PostJsonAsync("/api/v1/admin/tokens", """{"count":1}""");

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, orders.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, mint.StatusCode);
        Assert.Equal("forbidden", await Api.ReasonAsync(create));
    }

    [Fact]
    public async Task RegisterAndSignIn_GivesAWorkingBuyerToken()
    {
        var anonymous = Admin.Anonymous();
        using var register = await anonymous.PostJsonAsync("/api/v1/accounts", """{"username":"alice_1","password":"correct horse battery"}""");
        using var again = await anonymous.PostJsonAsync("/api/v1/accounts", """{"username":"ALICE_1","password":"another password"}""");
        using var wrong = await anonymous.PostJsonAsync("/api/v1/auth/token", """{"username":"alice_1","password":"wrong password!"}""");

        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("username_taken", await Api.ReasonAsync(again));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var token = await anonymous.TokenAsync("alice_1", "correct horse battery");
        var saleId = (await Admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        using var bought = await anonymous.WithToken(token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
    }
}
