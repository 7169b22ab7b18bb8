using System.Net;
using System.Net.Http.Json;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// The admin account comes from configuration (<c>Admin:*</c>): the configured password is the one that signs
/// in, a changed one replaces it at the next start, and credentials the sign-in would refuse stop the start
/// instead of making an admin nobody can sign in as.
/// </summary>
public sealed class AdminAccountConfigurationTests
{
    [Theory]
    [InlineData("secret")] // 6 characters: the sign-in asks for 8–128
    [InlineData("       ")]
    public async Task AnAdminPasswordTheSignInWouldRefuse_StopsTheStart(string password)
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?> { ["Admin:Password"] = password });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Admin:Password", Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminUsernameTheSignInWouldRefuse_StopsTheStart()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?> { ["Admin:Username"] = "root user" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Admin:Username", Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConfiguredPassword_SignsIn_AndAChangedOneReplacesItAtTheNextStart()
    {
        await using var storage = TestStorage.Create(StorageKind.Embedded);
        await using (var first = new TestApp(storage: storage, settings: new Dictionary<string, string?> { ["Admin:Password"] = "eight-ch" }))
        {
            Assert.Equal(HttpStatusCode.OK, await SignInAsync(first, "eight-ch"));
        }

        await using var second = new TestApp(storage: storage, settings: new Dictionary<string, string?> { ["Admin:Password"] = "rotated-password" });
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(second, "rotated-password"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(second, "eight-ch"));
    }

    private static async Task<HttpStatusCode> SignInAsync(TestApp app, string password)
    {
        using var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password });
        return response.StatusCode;
    }

    private static string Messages(Exception error) =>
        string.Join(" | ", Flatten(error).Select(e => e.Message));

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        yield return error;
        var inner = error is AggregateException all ? all.InnerExceptions : (error.InnerException is { } one ? [one] : []);
        foreach (var e in inner.SelectMany(Flatten))
        {
            yield return e;
        }
    }
}
