using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// A 401 says why when a token was sent: the bearer handler describes only the failures it knows (expired, bad signature),
/// and a token that is not a JWT at all was answered with an empty detail.
/// </summary>
public sealed class BearerChallengeTests() : AdminAppTest(new TestApp())
{
    [Theory]
    [InlineData("garbage")]
    [InlineData("not.a.token")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.")]
    public async Task AMalformedToken_Is401_WithADetail(string token)
    {
        var problem = await Api.ExpectProblemAsync(Admin.WithToken(token).GetAsync("/api/v1/me/orders"), HttpStatusCode.Unauthorized,
            "unauthorized");

        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()), problem.ToJsonString());
    }

    [Fact]
    public async Task NoToken_Is401_WithoutADetail()
    {
        var problem = await Api.ExpectProblemAsync(Admin.Anonymous().GetAsync("/api/v1/me/orders"), HttpStatusCode.Unauthorized,
            "unauthorized");

        Assert.Null(problem["detail"]);
    }

    /// <summary>RFC 6750 3.1: a refused token is invalid_token; none sent is a bare challenge (both bare until 2026-12-07).</summary>
    [Fact]
    public async Task ARefusedToken_IsChallengedAsInvalidToken_AndNoTokenBare()
    {
        var token = (await Admin.MintBuyersAsync(1))[0].Token;
        using var forged = await Admin.WithToken(token[..^2] + (token[^2..] == "AA" ? "BB" : "AA")).GetAsync("/api/v1/me/orders");
        using var none = await Admin.Anonymous().GetAsync("/api/v1/me/orders");

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", forged.Headers.WwwAuthenticate.ToString());
        Assert.EndsWith(".", System.Text.Json.Nodes.JsonNode.Parse(await forged.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>(),
            StringComparison.Ordinal);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.ToString());
    }
}
