using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Accounts;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Tests.Security;

/// <summary>
/// Tokens of an external OpenID Connect provider (<c>Auth:Authority</c>), from a real one over HTTP: they buy as the
/// provider's own users (<c>ext:{sub}</c>), never as an account of ours (G8); their roles make no admin unless
/// <c>Auth:ExternalAdminRole</c> says which does; and each issuer is held to its own audience and key.
/// </summary>
public sealed class ExternalProviderTests : IAsyncLifetime
{
    private const string ExternalAudience = "flashsale-shop";
    private FakeOidcProvider _provider = null!;
    private TestApp _app = null!;
    private Api _admin = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeOidcProvider.StartAsync();
        _app = new TestApp(settings: new Dictionary<string, string?>
        {
            ["Auth:Authority"] = _provider.Issuer,
            ["Auth:ExternalAudience"] = ExternalAudience,
            ["Auth:ExternalAdminRole"] = "shop-admin",
            // The test's provider serves plain HTTP on 127.0.0.1; a real one is https, which JwtBearer requires by default.
            ["Authentication:Schemes:Bearer:RequireHttpsMetadata"] = "false",
        });
        _admin = await Api.AsAdminAsync(_app.CreateClient());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }

    private Api As(string token) => _admin.WithToken(token);

    private string Provider(string subject, IDictionary<string, object>? claims = null, string audience = ExternalAudience) =>
        _provider.Issue(subject, audience, claims);

    [Fact]
    public async Task AProvidersToken_BuysAsTheProvidersUser()
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var alice = As(Provider("alice", new Dictionary<string, object> { ["name"] = "Alice" }));

        using var bought = await alice.PurchaseAsync(saleId);

        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        var order = (await bought.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ext:alice", order["userId"]!.GetValue<string>());
        var mine = await alice.GetJsonAsync($"/api/v1/sales/{saleId}/purchases/me");
        Assert.Equal(1, mine["quantity"]!.GetValue<int>());
        using var held = await As(Provider("alice")).PurchaseAsync(saleId, key: "again");
        Assert.Equal("limit_reached", await Api.ReasonAsync(held)); // the same user in a later token
    }

    [Fact]
    public async Task AProvidersSubject_EqualToAnAccountsId_IsNotThatAccount()
    {
        // The provider's sub is its own to give: one equal to an account id of ours (and its username as the name)
        // must not buy as that account, spend its limit or read it.
        string carolsId;
        using (var registered = await _admin.PostJsonAsync("/api/v1/accounts", """{"username":"carol","password":"carol-password-1"}"""))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            carolsId = (await registered.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        }

        var carol = As(await _admin.TokenAsync("carol", "carol-password-1"));
        var saleId = (await _admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var impostor = As(Provider(carolsId, new Dictionary<string, object> { ["name"] = "carol" }));

        using var bought = await impostor.PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        Assert.Equal("ext:" + carolsId, (await bought.Content.ReadFromJsonAsync<JsonObject>())!["userId"]!.GetValue<string>());

        Assert.Equal(0, (await carol.GetJsonAsync($"/api/v1/sales/{saleId}/purchases/me"))["quantity"]!.GetValue<int>());
        using var hers = await carol.PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Created, hers.StatusCode); // her limit of one is hers
        using var account = await impostor.GetAsync($"/api/v1/accounts/{carolsId}");
        Assert.Equal(HttpStatusCode.NotFound, account.StatusCode);
        using var own = await carol.GetAsync($"/api/v1/accounts/{carolsId}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task AProvidersRoles_MakeAnAdminOnlyOfTheConfiguredRole()
    {
        const string AdminOnly = "/api/v1/admin/stats";
        using var roleAdmin = await As(Provider("mallory", new Dictionary<string, object> { ["role"] = "admin" })).GetAsync(AdminOnly);
        using var rolesAdmin = await As(Provider("mallory", new Dictionary<string, object> { ["roles"] = new[] { "admin", "buyer" } })).GetAsync(AdminOnly);
        using var shopAdmin = await As(Provider("dana", new Dictionary<string, object> { ["roles"] = new[] { "staff", "shop-admin" } })).GetAsync(AdminOnly);
        using var shopAdminRole = await As(Provider("erin", new Dictionary<string, object> { ["role"] = "shop-admin" })).GetAsync(AdminOnly);

        Assert.Equal(HttpStatusCode.Forbidden, roleAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, rolesAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, shopAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, shopAdminRole.StatusCode);
    }

    [Fact]
    public async Task EachIssuer_IsHeldToItsOwnAudienceAndKey()
    {
        var auth = _app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value;
        var ours = _app.Services.GetRequiredService<SigningKey>().Key;
        var saleId = (await _admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();

        // The provider's token for this server's own audience; ours for the provider's.
        await AssertRefusedAsync(Provider("frank", audience: auth.Audience), saleId, "another audience");
        await AssertRefusedAsync(Ours(ours, auth.Issuer, ExternalAudience), saleId, "another audience");
        // Signed by the provider, naming this server as issuer; signed with our key, naming the provider.
        await AssertRefusedAsync(_provider.Issue(Guid.NewGuid().ToString(), auth.Audience, issuer: auth.Issuer), saleId, "not signed with its key");
        await AssertRefusedAsync(Ours(ours, _provider.Issuer, ExternalAudience), saleId, "names another issuer");
        // A subject past OpenID Connect's 255 characters.
        await AssertRefusedAsync(Provider(new string('s', 256)), saleId, "subject");

        Assert.Empty(await _admin.AllOrdersAsync(saleId));
        using var fine = await As(Provider(new string('s', 255))).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);
    }

    private async Task AssertRefusedAsync(string token, string saleId, string why)
    {
        using var response = await As(token).PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(why, await Api.DetailAsync(response), StringComparison.Ordinal);
    }

    /// <summary>A token signed with this server's key, as a buyer account's would be, for the given issuer and audience.</summary>
    private static string Ours(SecurityKey key, string issuer, string audience) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer,
        Audience = audience,
        Claims = new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString(), ["role"] = Roles.Buyer },
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
    });
}
