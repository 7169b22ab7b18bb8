using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

public sealed class AccountResourceOnEmbedded() : AccountResourceTests(StorageKind.Embedded);

public sealed class AccountResourceOnRedis() : AccountResourceTests(StorageKind.Redis);

/// <summary>
/// A registration's <c>Location</c> names a resource that answers (until 2026-12-06 it was a 404): the caller's own
/// account, and nobody else's (G8).
/// </summary>
public abstract class AccountResourceTests(StorageKind kind) : AdminAppTest(new TestApp(kind: kind))
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task TheRegistrationsLocation_AnswersTheAccount_ToItsOwner()
    {
        var (location, created) = await RegisterAsync("ada-" + Guid.NewGuid().ToString("N")[..8]);
        var own = Admin.WithToken(await Admin.TokenAsync(created["username"]!.GetValue<string>(), Password));

        using var response = await own.GetAsync(location);

        await Api.EnsureAsync(response, HttpStatusCode.OK);
        var account = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(created.ToJsonString(), account!.ToJsonString());
        Assert.Equal("buyer", account["role"]!.GetValue<string>());
        Assert.Equal($"/api/v1/accounts/{created["id"]}", location);
    }

    [Fact]
    public async Task AnotherAccount_IsAnsweredAsUnknown()
    {
        var (location, _) = await RegisterAsync("bob-" + Guid.NewGuid().ToString("N")[..8]);
        var (_, other) = await RegisterAsync("eve-" + Guid.NewGuid().ToString("N")[..8]);
        var eve = Admin.WithToken(await Admin.TokenAsync(other["username"]!.GetValue<string>(), Password));

        await Api.ExpectProblemAsync(eve.GetAsync(location), HttpStatusCode.NotFound, "not_found");
        await Api.ExpectProblemAsync(Admin.GetAsync(location), HttpStatusCode.NotFound, "not_found");   // the admin too: it is a self resource
        await Api.ExpectProblemAsync(eve.GetAsync($"/api/v1/accounts/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");
        await Api.ExpectProblemAsync(eve.GetAsync("/api/v1/accounts/not-an-id"), HttpStatusCode.NotFound, "not_found");
        await Api.ExpectProblemAsync(Admin.Anonymous().GetAsync(location), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task ASyntheticBuyer_HasNoAccount()
    {
        var (userId, token) = (await Admin.MintBuyersAsync(1))[0];

        await Api.ExpectProblemAsync(Admin.WithToken(token).GetAsync($"/api/v1/accounts/{userId}"), HttpStatusCode.NotFound, "not_found");
    }

    private async Task<(string Location, JsonObject Account)> RegisterAsync(string username)
    {
        using var response = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password });
        await Api.EnsureAsync(response, HttpStatusCode.Created);
        return (response.Headers.Location!.ToString(), (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }
}
