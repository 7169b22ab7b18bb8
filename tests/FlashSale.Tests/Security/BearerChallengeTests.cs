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
}
