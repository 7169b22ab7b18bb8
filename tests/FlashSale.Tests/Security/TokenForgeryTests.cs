using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlashSale.Accounts;
using FlashSale.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Tests.Security;

/// <summary>
/// G8 against forged bearer tokens: each way a token can lie (algorithm, key, issuer, audience,
/// lifetime, payload) is refused, on purchases and on every admin endpoint the server maps.
/// </summary>
public sealed class TokenForgeryTests : IAsyncLifetime
{
    private readonly TestApp _app = new();
    private Api _admin = null!;
    private SymmetricSecurityKey _key = null!;

    public async Task InitializeAsync()
    {
        _admin = await Api.AsAdminAsync(_app.CreateClient());
        _key = _app.Services.GetRequiredService<SigningKey>().Key;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string> Forgeries() => new(
        "alg none", "alg none admin", "wrong key", "expired", "expired beyond the 30 s skew", "not yet valid", "wrong audience",
        "wrong issuer", "HS512 with the right key", "no expiry", "payload changed after signing", "signature stripped", "stale stamp");

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ForgedToken_CannotBuy(string forgery)
    {
        var saleId = (await _admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();

        using var response = await _admin.WithToken(Forge(forgery, Roles.Buyer)).PurchaseAsync(saleId);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", await Api.ReasonAsync(response));
        Assert.Empty(await _admin.AllOrdersAsync(saleId));
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ForgedAdminToken_CannotCreateASale(string forgery)
    {
        using var response = await _admin.WithToken(Forge(forgery, Roles.Admin)).PostJsonAsync("/api/v1/admin/tokens", """{"count":1}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TheForger_MakesValidTokensWhenNothingIsWrong()
    {
        // Proves the forgeries above fail for their one flaw, not for a mistake in the forger.
        var saleId = (await _admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();

        using var bought = await _admin.WithToken(Forge("none of it", Roles.Buyer)).PurchaseAsync(saleId);
        using var skewed = await _admin.WithToken(Forge("expired within the skew", Roles.Buyer)).PurchaseAsync(saleId, key: "other");
        using var minted = await _admin.WithToken(Forge("none of it", Roles.Admin)).PostJsonAsync("/api/v1/admin/tokens", """{"count":1}""");

        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        Assert.Equal(HttpStatusCode.Created, skewed.StatusCode); // 10 s past expiry is inside the 30 s skew
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
    }

    [Fact]
    public async Task AnExpiredToken_SaysWhenItExpired_InUtc()
    {
        var problem = await Api.ExpectProblemAsync(_admin.WithToken(Forge("expired", Roles.Buyer)).GetAsync("/api/v1/me/orders"),
            HttpStatusCode.Unauthorized, "unauthorized");

        // Not the invariant culture's "12/06/2026 12:15:19": month/day order, no zone. The forger's "expired" is 5 minutes ago.
        var detail = problem["detail"]!.GetValue<string>();
        var at = System.Text.RegularExpressions.Regex.Match(detail, @"^The token expired at (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z); sign in again");
        Assert.True(at.Success, detail);
        var expiredAt = DateTimeOffset.Parse(at.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiredAt, DateTimeOffset.UtcNow.AddMinutes(-6), DateTimeOffset.UtcNow.AddMinutes(-4));
    }

    [Fact]
    public async Task ATokenNotYetValid_SaysFromWhen_InUtc()
    {
        var problem = await Api.ExpectProblemAsync(_admin.WithToken(Forge("not yet valid", Roles.Buyer)).GetAsync("/api/v1/me/orders"),
            HttpStatusCode.Unauthorized, "unauthorized");

        // Was "The token is not valid before '12/06/2026 15:22:40'": month/day order, no zone. The forger's is 5 minutes ahead.
        var detail = problem["detail"]!.GetValue<string>();
        var from = System.Text.RegularExpressions.Regex.Match(detail, @"^The token is not valid before (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z);");
        Assert.True(from.Success, detail);
        var validFrom = DateTimeOffset.Parse(from.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(validFrom, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(6));
    }

    [Fact]
    public async Task ATokenForAnotherAudience_SaysSo_WithoutANullAudience()
    {
        var problem = await Api.ExpectProblemAsync(_admin.WithToken(Forge("wrong audience", Roles.Buyer)).GetAsync("/api/v1/me/orders"),
            HttpStatusCode.Unauthorized, "unauthorized");

        // Was "The audience '(null)' is invalid", though the token named one ("another-api").
        Assert.Equal("The token was issued for another audience, not this server's API.", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ATokenOfChangedCredentials_SaysToSignInAgain()
    {
        var problem = await Api.ExpectProblemAsync(_admin.WithToken(Forge("stale stamp", Roles.Buyer)).GetAsync("/api/v1/me/orders"),
            HttpStatusCode.Unauthorized, "unauthorized");

        // Was "The token is not valid.", as for garbage: nothing told the client that signing in again would do.
        Assert.Equal("The token was issued under credentials that have changed since (a new password or role); sign in again.",
            problem["detail"]!.GetValue<string>());
    }

    public static TheoryData<string> Callers() => new("no token", "buyer token", "forged admin token");

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task EveryAdminEndpoint_RefusesEveryoneButAnAdmin(string caller)
    {
        var endpoints = AdminEndpoints();
        Assert.True(endpoints.Count >= 3, $"only {endpoints.Count} admin endpoints found");
        var api = caller switch
        {
            "no token" => _admin.Anonymous(),
            "buyer token" => _admin.WithToken((await _admin.MintBuyersAsync(1))[0].Token),
            _ => _admin.WithToken(Forge("wrong key", Roles.Admin)),
        };
        var expected = caller == "buyer token" ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized;

        var failures = new List<string>();
        foreach (var (method, path) in endpoints)
        {
            using var content = method is "GET" or "DELETE" or "HEAD" ? null : new StringContent("{}", Encoding.UTF8, "application/json");
            using var response = await api.SendAsync(new HttpMethod(method), path, content);
            if (response.StatusCode != expected || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{method} {path}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// Every API endpoint the server maps under /api/v1/admin or behind the admin policy, with its route
    /// values filled in. The dashboard's HTML pages answer with a sign-in redirect instead of problem+json;
    /// the browser tests cover them.
    /// </summary>
    private List<(string Method, string Path)> AdminEndpoints()
    {
        var sources = _app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => (e.RoutePattern.RawText ?? "").StartsWith("/api/v1/admin", StringComparison.OrdinalIgnoreCase)
                || (e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == AuthSetup.AdminPolicy)
                    && (e.RoutePattern.RawText ?? "").StartsWith("/api/", StringComparison.OrdinalIgnoreCase)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, Fill(e.RoutePattern.RawText!))))
            .Distinct().ToList();
    }

    private static string Fill(string pattern)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(pattern, "{[^}]+}", _ => Guid.NewGuid().ToString("D"));
        return path.StartsWith('/') ? path : "/" + path;
    }

    private string Forge(string flaw, string role)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            [AppClaims.Subject] = Guid.NewGuid().ToString("D"),
            [AppClaims.Name] = "forger",
            [AppClaims.Role] = role,
            // A synthetic buyer's claims (the admin's credential stamp): the token is what the server mints, but for its flaw.
            [AppClaims.CredentialStamp] = flaw == "stale stamp" ? new string('0', 32) : AdminClaim(AppClaims.CredentialStamp),
            [AppClaims.MintedBy] = AdminClaim(AppClaims.Subject),
        };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = flaw == "wrong issuer" ? "someone-else" : "flashsale",
            Audience = flaw == "wrong audience" ? "another-api" : "flashsale-api",
            IssuedAt = now.AddMinutes(-10).UtcDateTime,
            NotBefore = (flaw == "not yet valid" ? now.AddMinutes(5) : now.AddMinutes(-10)).UtcDateTime,
            Expires = flaw switch
            {
                "expired" => now.AddMinutes(-5).UtcDateTime,
                "expired beyond the 30 s skew" => now.AddSeconds(-45).UtcDateTime,
                "expired within the skew" => now.AddSeconds(-10).UtcDateTime,
                _ => now.AddMinutes(30).UtcDateTime,
            },
            Claims = claims,
            SigningCredentials = flaw switch
            {
                "wrong key" => new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(64)), SecurityAlgorithms.HmacSha256),
                "HS512 with the right key" => new SigningCredentials(_key, SecurityAlgorithms.HmacSha512),
                _ => new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
            },
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var token = handler.CreateToken(descriptor);
        var parts = token.Split('.');
        return flaw switch
        {
            "alg none" or "alg none admin" => Segment(new { alg = "none", typ = "JWT" }) + "." + parts[1] + ".",
            "no expiry" => Resign(parts[0], RemoveClaim(parts[1], "exp")),
            "payload changed after signing" => parts[0] + "." + Segment(new Dictionary<string, object?>(Decode(parts[1])) { ["role"] = Roles.Admin, ["sub"] = "victim" }) + "." + parts[2],
            "signature stripped" => parts[0] + "." + parts[1] + ".",
            _ => token,
        };
    }

    private string AdminClaim(string claim) => Decode(_admin.Token!.Split('.')[1])[claim]!.ToString()!;

    private string Resign(string header, string payload)
    {
        var signature = HMACSHA256.HashData(_key.Key, Encoding.ASCII.GetBytes(header + "." + payload));
        return header + "." + payload + "." + Base64UrlEncoder.Encode(signature);
    }

    private static string RemoveClaim(string payload, string claim)
    {
        var values = Decode(payload);
        values.Remove(claim);
        return Segment(values);
    }

    private static Dictionary<string, object?> Decode(string segment) =>
        JsonSerializer.Deserialize<Dictionary<string, object?>>(Base64UrlEncoder.Decode(segment))!;

    private static string Segment(object value) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(value));
}
