using System.Net;
using System.Net.Http.Json;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>
/// In Chromium: the browser a buyer registered in keeps its device cookie past signing out, and signs in through the
/// form while an attacker keeps the username's sign-ins refused; a fresh browser is refused. Its own server (the shared
/// one's per-address sign-in budget is the other tests').
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DeviceCookieTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Password = "correct-horse-1";

    private readonly TestApp _app = new(realSocket: true, settings: new Dictionary<string, string?>
    {
        ["RateLimiting:Rules:auth-per-ip:PermitLimit"] = "100000",
    });

    private readonly List<IBrowserContext> _contexts = [];

    public Task InitializeAsync()
    {
        _app.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task TheBrowserThatSignedInBefore_SignsInDuringAnAttack_AFreshOneIsRefused()
    {
        var username = Pages.NewUsername();
        var (owner, ownerContext) = await NewPageAsync();
        await Pages.RegisterAsync(owner, username, Password);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(owner.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();

        var device = Assert.Single(await ownerContext.CookiesAsync(), c => c.Name == "flashsale.device");
        Assert.True(device.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, device.SameSite);
        Assert.DoesNotContain(await ownerContext.CookiesAsync(), c => c.Name == "flashsale.auth");

        using var api = _app.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            using var guess = await api.PostAsJsonAsync("/api/v1/auth/token", new { username, password = "wrong-guess-" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        var (stranger, _) = await NewPageAsync();
        await stranger.GotoAsync("/login");
        await stranger.GetByLabel("Username").FillAsync(username);
        await stranger.GetByLabel("Password").FillAsync(Password);
        await stranger.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(stranger.GetByRole(AriaRole.Alert)).ToContainTextAsync("Too many sign-ins for this username");

        await Pages.SignInAsync(owner, username, Password);
        await Expect(owner.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    private async Task<(IPage Page, IBrowserContext Context)> NewPageAsync()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = _app.CreateClient().BaseAddress!.ToString() });
        context.SetDefaultTimeout(30_000);
        _contexts.Add(context);
        return (await context.NewPageAsync(), context);
    }
}
