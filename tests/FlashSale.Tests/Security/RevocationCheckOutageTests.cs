using System.Net;
using System.Net.Http.Json;
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

    /// <summary>
    /// A purchase refused so was not decided; but a retry with a key asks what the earlier attempt did, and it bought: the
    /// 503 says the outcome is unknown, never "nothing was changed" (found by a docs audit: a second instance answered so
    /// for a key the first had bought with). A keyless one says nothing was bought, which is so.
    /// </summary>
    [Fact]
    public async Task AKeyedPurchase_RefusedSo_SaysItsOutcomeIsUnknown_AndAKeylessOneThatNothingWasBought()
    {
        await using var storage = TestStorage.Create(StorageKind.Embedded);
        string token, saleId;
        await using (var first = new TestApp(storage: storage))
        {
            var admin = await Api.AsAdminAsync(first.CreateClient());
            saleId = (await admin.CreateSaleAsync(stock: 5, perUserLimit: 2))["id"]!.GetValue<string>();
            token = (await admin.MintBuyersAsync(1))[0].Token;
            await admin.WithToken(token).BoughtAsync(saleId, key: "first-try");
        }

        await using var second = new TestApp(storage: storage, services: FaultyAccountStore.Wrap);
        second.Services.GetRequiredService<FaultyAccountStore>().StampReadsDown = true;
        var buyer = new Api(second.CreateClient(), token);

        using var retry = await buyer.PurchaseAsync(saleId, key: "first-try");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, retry.StatusCode);
        Assert.NotNull(retry.Headers.RetryAfter);
        var problem = (await retry.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!;
        Assert.True(problem["outcomeUnknown"]!.GetValue<bool>());
        Assert.DoesNotContain("nothing was", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        using var keyless = await buyer.PurchaseAsync(saleId);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, keyless.StatusCode);
        var plain = (await keyless.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!;
        Assert.Null(plain["outcomeUnknown"]);
        Assert.Contains("nothing was bought", plain["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
