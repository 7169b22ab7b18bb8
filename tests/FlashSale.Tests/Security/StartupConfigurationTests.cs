using System.Net;
using System.Net.Http.Json;
using FlashSale.Common;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Security;

/// <summary>
/// Settings a server cannot run correctly with stop its start with a message naming the setting. The admin account
/// comes from configuration (<c>Admin:*</c>): the configured password is the one that signs in, a changed one
/// replaces it at the next start, and credentials the sign-in would refuse stop the start instead of making an
/// admin nobody can sign in as; so does an admin name a buyer already holds (never their account taken over). The
/// signing key must be base64 of at least 32 bytes; an external provider needs the audience its tokens carry. The
/// distributed request timeout must be whole seconds, as PostgreSQL counts it.
/// </summary>
public sealed class StartupConfigurationTests
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

    [Fact]
    public async Task AnAdminUsernameABuyerHolds_StopsTheStart_AndTheBuyerKeepsTheirPassword()
    {
        await using var storage = TestStorage.Create(StorageKind.Embedded);
        await using (var first = new TestApp(storage: storage))
        {
            using var registered = await first.CreateClient().PostAsJsonAsync("/api/v1/accounts",
                new { username = "Boss", password = "buyers-own-password" });
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        // Usernames are unique case-insensitively: "boss" is the buyer's "Boss".
        await using (var second = new TestApp(storage: storage, settings: new Dictionary<string, string?> { ["Admin:Username"] = "boss" }))
        {
            var error = Assert.ThrowsAny<Exception>(() => second.CreateClient());
            Assert.Contains("Admin:Username 'Boss' belongs to an account that is not an admin", Messages(error), StringComparison.Ordinal);
        }

        await using var third = new TestApp(storage: storage);
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(third, "buyers-own-password", "Boss"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(third, TestApp.AdminPassword, "Boss"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public async Task AnExternalProviderWithoutItsAudience_StopsTheStart(string? audience)
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?>
        {
            ["Auth:Authority"] = "https://id.example.test",
            ["Auth:ExternalAudience"] = audience,
        });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Auth:ExternalAudience is required with Auth:Authority", Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExternalAdminRoleWithoutAProvider_StopsTheStart()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?> { ["Auth:ExternalAdminRole"] = "shop-admin" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Auth:ExternalAdminRole is set without Auth:Authority", Messages(error), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short")] // not base64
    [InlineData("c2l4dGVlbi1ieXRlcy1rZQ==")] // base64 of 16 bytes
    public async Task ASigningKeyThatIsNotBase64OfAtLeast32Bytes_StopsTheStart(string key)
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?> { ["Auth:SigningKey"] = key });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Auth:SigningKey must be at least 32 random bytes in base64", Messages(error), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")] // made, then the first start stopped before writing it (a full disk)
    [InlineData("not a key")]
    [InlineData("c2l4dGVlbi1ieXRlcy1rZQ==")] // base64 of 16 bytes
    public async Task ADataFoldersSigningKeyFileThatIsNoKey_StopsTheStart_NamingTheFile(string content)
    {
        await using var storage = TestStorage.Create(StorageKind.Embedded);
        Directory.CreateDirectory(storage.DataPath);
        var file = Path.Combine(storage.DataPath, "signing-key");
        await File.WriteAllTextAsync(file, content);
        await using var app = new TestApp(storage: storage);

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        // Was "Auth:SigningKey must be at least 32 random bytes…" (a setting nobody set) or a bare FormatException.
        Assert.Contains($"The signing key in {file} is not base64 of at least 32 bytes", Messages(error), StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllTextAsync(file)); // left for the operator: tokens issued with it may be in use
    }

    [Theory]
    [InlineData("00:00:05", true)]
    [InlineData("00:00:01", true)]
    [InlineData("00:00:00", false)] // PostgreSQL would wait for ever
    [InlineData("-00:00:01", false)]
    [InlineData("00:11:00", false)]
    [InlineData("00:00:01.500", false)] // PostgreSQL counts a command timeout in whole seconds
    [InlineData("00:00:04.999", false)]
    public void RequestCommandTimeout_IsWholeSecondsFromOneToTenMinutes(string timeout, bool valid)
    {
        var options = new DistributedOptions { RequestCommandTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) };

        // The validation the start runs (SettingsValidation on DistributedOptions).
        var failures = SettingsValidation.Check(options, DistributedOptions.Section);

        Assert.Equal(valid, !failures.Any());
    }

    [Fact]
    public void ARequestCommandTimeoutWithAPartSecond_StopsTheStart()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = "127.0.0.1:1", // never connected: the start stops before anything is
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=1;Username=none;Database=none",
            ["Distributed:RequestCommandTimeout"] = "00:00:02.500",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddDistributedStorage(configuration)
            .BuildServiceProvider();

        // What the host runs before it starts anything: the options registered with ValidateOnStart.
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Distributed:RequestCommandTimeout must be whole seconds", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A value out of range is named as the operator sets it: the key, its environment variable and the value given.
    /// Until 2026-12-06 the message named the C# property ("The field MaxPerRequest must be between 1 and 100000"), and
    /// a nested group's values (<c>Auth:SyntheticBuyers</c>) were not checked at all.
    /// </summary>
    [Theory]
    [InlineData("Auth:SyntheticBuyers:MaxPerRequest", "0",
        "Auth:SyntheticBuyers:MaxPerRequest must be from 1 to 100000, not 0 (environment variable Auth__SyntheticBuyers__MaxPerRequest).")]
    [InlineData("Auth:TokenLifetime", "00:00:30",
        "Auth:TokenLifetime must be from 00:01:00 to 30.00:00:00, not 00:00:30 (environment variable Auth__TokenLifetime).")]
    [InlineData("Auth:PasswordHashing:MaxWait", "00:01:00",
        "Auth:PasswordHashing:MaxWait must be from 00:00:00.01 to 00:00:30, not 00:01:00 (environment variable Auth__PasswordHashing__MaxWait).")]
    [InlineData("Auth:Issuer", "", "The Auth:Issuer field is required (environment variable Auth__Issuer).")]
    [InlineData("Sales:ListStockMaxAge", "00:02:00", "Sales:ListStockMaxAge must be from 00:00:00 (off: exact on every request) to 00:01:00 (environment variable Sales__ListStockMaxAge).")]
    public async Task AValueOutOfRange_StopsTheStart_NamingItsKeyAndEnvironmentVariable(string key, string value, string message)
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains(message, Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public void ALeaseSettingOutOfRange_StopsTheStart_NamingItsKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = "127.0.0.1:1", // never connected: the start stops before anything is
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=1;Username=none;Database=none",
            ["RateLimiting:Leases:MaxPermits"] = "0",
            ["RateLimiting:Leases:MaxShare"] = "1.5",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddDistributedStorage(configuration)
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("RateLimiting:Leases:MaxPermits must be from 1 to 100000, not 0 (environment variable RateLimiting__Leases__MaxPermits).",
            error.Message, StringComparison.Ordinal);
        Assert.Contains("RateLimiting:Leases:MaxShare must be from 0 to 1, not 1.5 (environment variable RateLimiting__Leases__MaxShare).",
            error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("The field", error.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> SignInAsync(TestApp app, string password, string username = "admin")
    {
        using var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { username, password });
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
