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

    [Fact]
    public void OneRuleSetAlone_KeepsItsOtherDefaults_AndEveryOtherDefaultRule()
    {
        // As an environment variable sets it on a server that has no appsettings.json: until 2026-12-07 the other rules,
        // the sign-in throttle among them, were then left out altogether (an audit: 14 wrong passwords, no 429).
        using var services = Services(new() { ["RateLimiting:Rules:per-ip:PermitLimit"] = "100000" });

        var rules = services.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Rules;

        Assert.Equal(100_000, rules["per-ip"].PermitLimit);
        Assert.Equal(TimeSpan.FromMinutes(1), rules["per-ip"].Window);
        Assert.Equal(RateLimitScope.Ip, rules["per-ip"].Scope);
        Assert.Equal(RateLimitingSetup.DefaultRules().Keys.Order(), rules.Keys.Order());
        Assert.Equal(RateLimitScope.Account, rules[RateLimitingSetup.SignInThrottleRule].Scope);
        Assert.Equal(["Register"], rules["register-per-ip"].Endpoints);
        Assert.Equal(TimeSpan.FromHours(1), rules["register-per-ip"].Window);
    }

    [Fact]
    public void ADefaultRule_IsTurnedOffByEnabledFalse_AndItsEndpointsReplacedNotAppended()
    {
        using var services = Services(new()
        {
            ["RateLimiting:Rules:register-per-ip:Enabled"] = "false",
            ["RateLimiting:Rules:auth-per-ip:Endpoints:0"] = "IssueToken",
            ["RateLimiting:Rules:extra:Endpoints:0"] = "Purchase",
        });

        var rules = services.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Rules;

        Assert.False(rules["register-per-ip"].Enabled);
        Assert.Equal(30, rules["register-per-ip"].PermitLimit);
        Assert.Equal(["IssueToken"], rules["auth-per-ip"].Endpoints);
        Assert.Equal(TimeSpan.FromMinutes(1), rules["auth-per-ip"].Window);
        // A rule of its own starts from the plain defaults, not from another's.
        Assert.Equal(["Purchase"], rules["extra"].Endpoints);
        Assert.Equal(100, rules["extra"].PermitLimit);
    }

    [Fact]
    public void ARuleNamedInAnotherCase_IsThatRule_NotASecondOne()
    {
        using var services = Services(new() { ["RateLimiting:Rules:Per-IP:PermitLimit"] = "100000" });

        var rules = services.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Rules;

        Assert.Equal(RateLimitingSetup.DefaultRules().Count, rules.Count);
        Assert.Equal(100_000, rules["per-ip"].PermitLimit);
        Assert.Empty(rules["per-ip"].Endpoints);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddFlashSaleRateLimiting().BuildServiceProvider();
    }
}
