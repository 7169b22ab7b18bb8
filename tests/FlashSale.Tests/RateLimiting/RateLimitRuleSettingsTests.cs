using FlashSale.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.RateLimiting;

/// <summary>
/// A rate-limit rule's setting the server cannot read stops the start naming it (docs/operations.md: "a bad value stops
/// the server with a message naming it"). Until 2026-12-06 the configuration binder skipped a rule it could not convert
/// without a word: <c>RateLimiting__Rules__per-ip__Window=abc</c> started a server with no per-IP limit at all.
/// </summary>
public sealed class RateLimitRuleSettingsTests
{
    [Theory]
    [InlineData("Window", "abc")]
    [InlineData("PermitLimit", "lots")]
    [InlineData("Scope", "Everyone")]
    [InlineData("Enabled", "maybe")]
    public void ARuleSettingThatIsNotItsType_StopsTheStart_NamingIt(string key, string value)
    {
        using var services = Services(new() { [$"RateLimiting:Rules:per-ip:{key}"] = value });

        // What the host runs before it starts anything: the options registered with ValidateOnStart.
        var error = Assert.ThrowsAny<InvalidOperationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains($"RateLimiting:Rules:per-ip:{key}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WellFormedRules_AreBoundAsConfigured_EndpointsOnce()
    {
        using var services = Services(new()
        {
            ["RateLimiting:Rules:per-ip:PermitLimit"] = "7",
            ["RateLimiting:Rules:per-ip:Window"] = "00:00:30",
            ["RateLimiting:Rules:auth-per-ip:Endpoints:0"] = "IssueToken",
            ["RateLimiting:Rules:auth-per-ip:Endpoints:1"] = "Register",
        });

        var rules = services.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Rules;

        Assert.Equal(7, rules["per-ip"].PermitLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), rules["per-ip"].Window);
        Assert.Equal(["IssueToken", "Register"], rules["auth-per-ip"].Endpoints);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddFlashSaleRateLimiting().BuildServiceProvider();
    }
}
