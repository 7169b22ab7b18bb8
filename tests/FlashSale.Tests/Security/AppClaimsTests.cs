using System.Security.Claims;
using FlashSale.Accounts;

namespace FlashSale.Tests.Security;

/// <summary>
/// A remembered token's identity answers the user id and display name it read once: exactly what a
/// search of the claims gives, whatever claims the token carries (G8 rests on the user id).
/// </summary>
public sealed class AppClaimsTests
{
    public static TheoryData<string[]> ClaimSets => new()
    {
        new[] { "sub=u-1", "name=Alice", "preferred_username=alice" },
        new[] { "sub=u-2", "preferred_username=bob" },
        new[] { "sub=u-3" },
        new[] { "name=Carol", "sub=u-4", "sub=u-5" },
    };

    [Theory]
    [MemberData(nameof(ClaimSets))]
    public void ARememberedIdentity_AnswersAsASearchOfItsClaims(string[] claims)
    {
        var plain = new ClaimsIdentity(claims.Select(c => c.Split('=')).Select(c => new Claim(c[0], c[1])), "Bearer");
        var searched = new ClaimsPrincipal(plain);
        var remembered = new ClaimsPrincipal(new ReadOnlyClaimsIdentity(plain));

        Assert.Equal(searched.UserId(), remembered.UserId());
        Assert.Equal(searched.DisplayName(), remembered.DisplayName());
    }

    [Fact]
    public void AnIdentityWithoutSubject_IsRefused_RememberedOrNot()
    {
        var plain = new ClaimsIdentity([new Claim(AppClaims.Name, "nobody")], "Bearer");

        Assert.Throws<InvalidOperationException>(() => new ClaimsPrincipal(plain).UserId());
        Assert.Throws<InvalidOperationException>(() => new ClaimsPrincipal(new ReadOnlyClaimsIdentity(plain)).UserId());
    }
}
