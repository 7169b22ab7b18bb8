using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// The synthetic buyers' names (<c>synthetic-</c> and 8 hex digits, minted by the admin for drills) are no one's to
/// register: until 2026-12-07 anyone could take <c>synthetic-ee9c7e4f</c>, and the admin's order lookup by that username
/// found the impostor's account, not the drill's buyer.
/// </summary>
public sealed class ReservedUsernameTests() : AdminAppTest(new TestApp())
{
    private const string Password = "buyer-password-1";

    [Theory]
    [InlineData("synthetic-ee9c7e4f")]
    [InlineData("Synthetic-EE9C7E4F")]
    [InlineData("SYNTHETIC-x")]
    [InlineData("synthetic-")]
    public async Task Registering_ASyntheticName_Is400NamingTheUsername_AndMakesNoAccount(string username)
    {
        var problem = await Api.ExpectProblemAsync(
            Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password }),
            HttpStatusCode.BadRequest, "validation_failed");

        var message = Assert.Single(problem["errors"]!["username"]!.AsArray())!.GetValue<string>();
        Assert.Contains("'synthetic-'", message, StringComparison.Ordinal);
        Assert.Contains("is reserved for", message, StringComparison.Ordinal);
        await Api.ExpectProblemAsync(Admin.GetAsync($"/api/v1/admin/orders?username={username}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task TheRegisterForm_RefusesASyntheticName_AsTheApiDoes()
    {
        var username = "Synthetic-" + Guid.NewGuid().ToString("N")[..8];

        using var response = await Browser.Open(App).SubmitAsync("/register", "/register",
            new() { ["username"] = username, ["password"] = Password });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"form-error\">Username must not start with", html, StringComparison.Ordinal);
        Assert.Contains("is reserved for", html, StringComparison.Ordinal);
        await Api.ExpectProblemAsync(Admin.GetAsync($"/api/v1/admin/orders?username={username}"), HttpStatusCode.NotFound, "not_found");
    }

    /// <summary>Only the prefix is reserved: a name that merely contains the word is a name like any other.</summary>
    [Theory]
    [InlineData("synthetic")]
    [InlineData("synthetic_fan")]
    [InlineData("not-synthetic-1")]
    public async Task NamesThatOnlyContainTheWord_AreFree(string name)
    {
        var username = name + Guid.NewGuid().ToString("N")[..6];

        using var response = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password });

        await Api.EnsureAsync(response, HttpStatusCode.Created);
        Assert.Equal(username, (await response.Content.ReadFromJsonAsync<JsonObject>())!["username"]!.GetValue<string>());
    }
}
