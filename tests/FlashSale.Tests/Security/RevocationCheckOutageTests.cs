using System.Net;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Security;

/// <summary>
/// A token or cookie whose credential stamp cannot be read (the account store down, and the account not read by this
/// instance before) is not known to be revoked nor known to be good: 503 + Retry-After, as for any store that is
/// down (G7), never a 401 that sends the client to sign in again, nor a pass.
/// </summary>
public sealed class RevocationCheckOutageTests
{
    [Fact]
    public async Task AStampThatCannotBeRead_Is503_ForATokenAndForACookie()
    {
        await using var storage = TestStorage.Create(StorageKind.Embedded);
        string token, cookie;
        await using (var first = new TestApp(storage: storage))
        {
            token = (await Api.AsAdminAsync(first.CreateClient())).Token!;
            cookie = await CredentialRevocationTests.SignInCookieAsync(first, "admin", TestApp.AdminPassword);
        }

        await using var second = new TestApp(storage: storage, services: FaultyAccountStore.Wrap);
        second.StartServer();
        var stamps = second.Services.GetRequiredService<FaultyAccountStore>();
        stamps.StampReadsDown = true;

        using var api = await CredentialRevocationTests.GetAsync(second, "/api/v1/admin/sales", bearer: token);
        using var page = await CredentialRevocationTests.GetAsync(second, "/api/v1/me/orders", cookie: cookie);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal("unavailable", await Api.ReasonAsync(api));
        Assert.NotNull(api.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);

        stamps.StampReadsDown = false;
        using var back = await CredentialRevocationTests.GetAsync(second, "/api/v1/admin/sales", bearer: token);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }
}
