using FlashSale.Drill.Cli;

namespace FlashSale.Drill.Tests;

public sealed class OptionsParserTests
{
    private static ParseOutcome Parse(string args, string? envPassword = null) =>
        OptionsParser.Parse(args.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            name => name == OptionsParser.PasswordVariable ? envPassword : null);

    private static DrillOptions Ok(string args, string? envPassword = "pw")
    {
        var outcome = Parse(args, envPassword);
        Assert.True(outcome.Options is not null, outcome.Error);
        return outcome.Options;
    }

    private static string Error(string args, string? envPassword = "pw")
    {
        var outcome = Parse(args, envPassword);
        Assert.Null(outcome.Options);
        Assert.NotNull(outcome.Error);
        return outcome.Error;
    }

    [Fact]
    public void Seed_IsFiftyBuyersOneAttemptEachForTenUnits()
    {
        var o = Ok("seed");

        Assert.Equal(Preset.Seed, o.Preset);
        Assert.Equal((50, 50, 50, 10, 1), (o.Users, o.Concurrency, o.AttemptBudget, o.Stock, o.Limit));
        Assert.Equal(new Uri("http://localhost:5000"), o.Url);
        Assert.Equal("drill-results", o.OutputDirectory);
        Assert.Equal("pw", o.AdminPassword);
    }

    [Fact]
    public void Seed_UsersOverrideKeepsOneAttemptPerBuyer()
    {
        var o = Ok("seed --users 80 --stock 20");

        Assert.Equal((80, 80, 20), (o.AttemptBudget, o.Concurrency, o.Stock));
    }

    [Fact]
    public void Seed_RefusesKnobsThatBreakItsAssertion() =>
        Assert.Contains("seed", Error("seed --retries 3"), StringComparison.Ordinal);

    [Fact]
    public void Crowd_RampsAThousandUsersOverThirtySeconds()
    {
        var o = Ok("crowd");

        Assert.Equal((1000, 1000, 100), (o.Users, o.Concurrency, o.Stock));
        Assert.Equal(TimeSpan.FromSeconds(30), o.Duration);
        Assert.Equal(TimeSpan.FromSeconds(10), o.RampUp);
        Assert.Equal(TimeSpan.FromSeconds(10), o.RampDown);
        Assert.True(o.ThinkMax > TimeSpan.Zero);
    }

    [Fact]
    public void Soak_RunsTwoMinutesOnThreeSales()
    {
        var o = Ok("soak");

        Assert.Equal(TimeSpan.FromMinutes(2), o.Duration);
        Assert.Equal(3, o.Sales);
        Assert.Equal(DrillOptions.MaxAttempts, o.AttemptBudget);
        Assert.True(o.EffectiveDeadline > o.Duration);
    }

    [Fact]
    public void Custom_ParsesEveryKnob()
    {
        var o = Ok("custom --url http://127.0.0.1:8080 --admin-user root --admin-password secret --users 300 " +
                   "--concurrency 40 --requests 900 --duration 45s --ramp-up 5s --ramp-down 2s --think 10ms-20ms " +
                   "--stock 250 --limit 3 --quantity 1-3 --retries 4 --out /tmp/x --quiet --seed 7 --timeout 5s " +
                   "--pending-wait 1m --deadline 10m --sales 2 --decision-ttl 90s");

        Assert.Equal(new Uri("http://127.0.0.1:8080"), o.Url);
        Assert.Equal(("root", "secret"), (o.AdminUser, o.AdminPassword));
        Assert.Equal((300, 40, 900, 250, 3, 2), (o.Users, o.Concurrency, o.AttemptBudget, o.Stock, o.Limit, o.Sales));
        Assert.Equal((1, 3, 4, 7), (o.QuantityMin, o.QuantityMax, o.Retries, o.Seed));
        Assert.Equal(TimeSpan.FromSeconds(45), o.Duration);
        Assert.Equal((TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20)), (o.ThinkMin, o.ThinkMax));
        Assert.Equal(TimeSpan.FromMinutes(1), o.PendingWait);
        Assert.Equal(TimeSpan.FromSeconds(90), o.DecisionTtl);
        Assert.Equal(TimeSpan.FromMinutes(10), o.EffectiveDeadline);
        Assert.Equal("/tmp/x", o.OutputDirectory);
        Assert.True(o.Quiet);
    }

    [Fact]
    public void Custom_EqualsSyntaxAndDurationOnly()
    {
        var o = Ok("custom --users=20 --duration=2m");

        Assert.Equal(20, o.Users);
        Assert.Null(o.Requests);
        Assert.Equal(TimeSpan.FromMinutes(2), o.FloodLimit);
    }

    [Fact]
    public void Custom_WithoutBoundsMakesOneAttemptPerUser() =>
        Assert.Equal(100, Ok("custom").AttemptBudget);

    [Fact]
    public void ExplicitPasswordWinsOverEnvironment() =>
        Assert.Equal("cli", Ok("seed --admin-password cli", envPassword: "env").AdminPassword);

    [Theory]
    [InlineData("http://localhost:5000")]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://127.1.2.3:5000")]
    [InlineData("http://[::1]:5000")]
    public void LoopbackUrls_AreAccepted(string url) => Ok($"seed --url {url}");

    [Theory]
    [InlineData("http://example.com")]
    [InlineData("http://10.0.0.5:5000")]
    [InlineData("http://localhost.evil.com")]
    [InlineData("http://128.0.0.1")]
    public void RemoteUrls_AreRefusedWithoutAllowRemote(string url)
    {
        Assert.Contains("--allow-remote", Error($"seed --url {url}"), StringComparison.Ordinal);
        Ok($"seed --url {url} --allow-remote");
    }

    [Theory]
    [InlineData("", "Missing preset")]
    [InlineData("--users 5", "Missing preset")]
    [InlineData("blast", "Unknown preset")]
    [InlineData("custom --users", "needs a value")]
    [InlineData("custom --users ten", "whole number")]
    [InlineData("custom --users 0", "--users")]
    [InlineData("custom --concurrency 9000", "--concurrency")]
    [InlineData("custom --retries 6", "--retries")]
    [InlineData("custom --no-keys --retries 2", "--no-keys")]
    [InlineData("custom --duration soon", "duration")]
    [InlineData("custom --ramp-up 5s", "need --duration")]
    [InlineData("custom --duration 10s --ramp-up 8s --ramp-down 8s", "fit inside")]
    [InlineData("custom --quantity 3-1", "reversed")]
    [InlineData("custom --quantity 2 --limit 1", "exceed --limit")]
    [InlineData("custom --url ftp://localhost", "http(s)")]
    [InlineData("custom --frobnicate 1", "Unknown option")]
    [InlineData("custom --users 5 --users 6", "twice")]
    [InlineData("custom --quiet=yes", "flag")]
    [InlineData("custom --sale abc --sales 2", "--sale")]
    public void InvalidOptions_GetAClearMessage(string args, string expected) =>
        Assert.Contains(expected, Error(args), StringComparison.Ordinal);

    [Theory]
    [InlineData("seed --users 6000", "--concurrency must be 1..5000. (the seed preset sets --concurrency to --users (6000); pass --concurrency to set it apart)")]
    [InlineData("crowd --duration 15s", "--ramp-up plus --ramp-down must fit inside --duration. (--ramp-up 10s is the crowd preset's; --ramp-down 10s is the crowd preset's)")]
    public void AProblemWithAnOptionNotTyped_SaysWhereItsValueCameFrom(string args, string expected) =>
        Assert.Equal(expected, Error(args));

    [Theory]
    [InlineData("custom --concurrency 9000", "--concurrency must be 1..5000.")]
    [InlineData("custom --ramp-up 5s", "--ramp-up/--ramp-down need --duration.")]
    public void AProblemWithOnlyTypedOrUnsetOptions_IsUnchanged(string args, string expected) =>
        Assert.Equal(expected, Error(args));

    [Fact]
    public void MissingPassword_SaysWhereToPutIt() =>
        Assert.Contains(OptionsParser.PasswordVariable, Error("seed", envPassword: null), StringComparison.Ordinal);

    [Theory]
    [InlineData("--help")]
    [InlineData("seed -h")]
    public void Help_IsShown(string args) => Assert.True(Parse(args).ShowHelp);

    [Theory]
    [InlineData("1500ms", 1500)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0.5", 500)]
    public void Durations_Parse(string text, int milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }
}
