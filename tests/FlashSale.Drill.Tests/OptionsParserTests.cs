using FlashSale.Drill.Api;
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

    /// <summary>Latency objectives keep seed's exact assertion, so seed takes them (the CI gate a team would add).</summary>
    [Fact]
    public void LatencyObjectives_AreParsed_AndSeedTakesThem()
    {
        var o = Ok("seed --max-p50 2.5ms --max-p99=50ms");

        Assert.Equal((TimeSpan.FromMilliseconds(2.5), TimeSpan.FromMilliseconds(50)), (o.MaxP50, o.MaxP99));
        Assert.Equal((null, null), (Ok("seed").MaxP50, Ok("seed").MaxP99));
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
                   "--pending-wait 1m --deadline 10m --sales 2 --decision-ttl 90s --stop-grace 20s");

        Assert.Equal(new Uri("http://127.0.0.1:8080"), o.Url);
        Assert.Equal(("root", "secret"), (o.AdminUser, o.AdminPassword));
        Assert.Equal((300, 40, 900, 250, 3, 2), (o.Users, o.Concurrency, o.AttemptBudget, o.Stock, o.Limit, o.Sales));
        Assert.Equal((1, 3, 4, 7), (o.QuantityMin, o.QuantityMax, o.Retries, o.Seed));
        Assert.Equal(TimeSpan.FromSeconds(45), o.Duration);
        Assert.Equal((TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20)), (o.ThinkMin, o.ThinkMax));
        Assert.Equal(TimeSpan.FromMinutes(1), o.PendingWait);
        Assert.Equal(TimeSpan.FromSeconds(90), o.DecisionTtl);
        Assert.Equal(TimeSpan.FromSeconds(20), o.StopGrace);
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
    [InlineData("seed --bogus", "Unknown option --bogus")] // last on the line: it said "--bogus needs a value." until 2026-12-07
    [InlineData("custom --users 5 --users 6", "twice")]
    [InlineData("custom --quiet=yes", "flag")]
    [InlineData("custom --sale abc --sales 2", "--sale")]
    [InlineData("seed --max-p99 0ms", "--max-p99 must be at least 0.001ms")]
    [InlineData("seed --max-p99 31s", "and at most --timeout")]
    [InlineData("seed --max-p50 20ms --max-p99 10ms", "--max-p50 must not be longer than --max-p99")]
    [InlineData("seed --max-p99 fast", "--max-p99 expects a duration")]
    [InlineData("seed --max-p99 50", "--max-p99 '50' needs a unit: 50ms, or 50s if seconds are meant.")]
    public void InvalidOptions_GetAClearMessage(string args, string expected) =>
        Assert.Contains(expected, Error(args), StringComparison.Ordinal);

    /// <summary>
    /// An option where a value belongs is a forgotten value. Until 2026-12-06 <c>seed --out --quiet</c> wrote the report to
    /// a folder named "--quiet" and showed the live display, and <c>custom --out --admin-password x</c> said "Unexpected
    /// argument 'x'".
    /// </summary>
    [Theory]
    [InlineData("seed --out --quiet", "--out needs a value, got the option --quiet. For a value that starts with --, write --out=--quiet.")]
    [InlineData("custom --admin-password --users 5", "--admin-password needs a value, got the option --users. For a value that starts with --, write --admin-password=--users.")]
    public void AnOptionWhereAValueBelongs_IsAMissingValue(string args, string expected) =>
        Assert.Equal(expected, Error(args));

    /// <summary>A typo says which option it likely meant; until 2026-12-06 only "Unknown option --user (see --help)".</summary>
    [Theory]
    [InlineData("seed --user 10", "Unknown option --user; did you mean --users? (see --help)")]
    [InlineData("custom --concurency 10", "Unknown option --concurency; did you mean --concurrency? (see --help)")]
    [InlineData("custom --timout 5s", "Unknown option --timout; did you mean --timeout? (see --help)")]
    [InlineData("custom --stopgrace 5s", "Unknown option --stopgrace; did you mean --stop-grace? (see --help)")]
    [InlineData("custom --frobnicate 1", "Unknown option --frobnicate. (see --help)")]
    // An unknown option before another is unknown, not one whose value is missing (until 2026-12-07: "--quite needs a
    // value, got the option --url").
    [InlineData("seed --quite --url http://127.0.0.1:5000", "Unknown option --quite; did you mean --quiet? (see --help)")]
    [InlineData("custom --user --concurrency 5", "Unknown option --user; did you mean --users? (see --help)")]
    [InlineData("seed --quite", "Unknown option --quite; did you mean --quiet? (see --help)")]
    public void AnUnknownOption_NamesTheNearestKnownOne(string args, string expected) =>
        Assert.Equal(expected, Error(args));

    /// <summary>"localhost:5000" is a URL of scheme "localhost" to .NET; until 2026-12-06 the message did not say the scheme was missing.</summary>
    [Theory]
    [InlineData("seed --url localhost:5000", "--url 'localhost:5000' is not an absolute http(s) URL; did you mean http://localhost:5000?")]
    [InlineData("seed --url 127.0.0.1:5000", "--url '127.0.0.1:5000' is not an absolute http(s) URL; did you mean http://127.0.0.1:5000?")]
    [InlineData("seed --url ftp://localhost", "--url 'ftp://localhost' is not an absolute http(s) URL.")]
    // A port past 65535 is what is wrong (until 2026-12-07: "not an absolute http(s) URL").
    [InlineData("seed --url http://127.0.0.1:99999", "--url 'http://127.0.0.1:99999': port 99999 is out of range (1-65535).")]
    [InlineData("seed --url http://[::1]:70000/", "--url 'http://[::1]:70000/': port 70000 is out of range (1-65535).")]
    [InlineData("seed --url http://localhost:99999999999", "--url 'http://localhost:99999999999': port 99999999999 is out of range (1-65535).")]
    public void AUrlWithoutItsScheme_SaysWhichOneWasMeant(string args, string expected) =>
        Assert.Equal(expected, Error(args));

    [Fact]
    public void AValueThatStartsWithDashes_IsTakenWhenWrittenInline()
    {
        var options = Ok("custom --admin-password=--not-an-option");

        Assert.Equal("--not-an-option", options.AdminPassword);
    }

    [Theory]
    [InlineData("seed --users 6000", "--concurrency must be 1..5000. (the seed preset sets --concurrency to --users (6000); pass --concurrency to set it apart)")]
    [InlineData("crowd --duration 15s", "--ramp-up plus --ramp-down must fit inside --duration. (--ramp-up 10s is the crowd preset's; --ramp-down 10s is the crowd preset's)")]
    public void AProblemWithAnOptionNotTyped_SaysWhereItsValueCameFrom(string args, string expected) =>
        Assert.Equal(expected, Error(args));

    [Theory]
    [InlineData("custom --concurrency 9000", "--concurrency must be 1..5000.")]
    [InlineData("custom --ramp-up 5s", "--ramp-up/--ramp-down need --duration.")]
    [InlineData("custom --stop-grace 6m", "--stop-grace must be 0..5m.")]
    public void AProblemWithOnlyTypedOrUnsetOptions_IsUnchanged(string args, string expected) =>
        Assert.Equal(expected, Error(args));

    /// <summary>
    /// Times no drill can use are refused with the option's name. Until 2026-12-06 a duration past TimeSpan's end
    /// (<c>--duration 1e300</c>) threw an OverflowException out of the parser, and a <c>--deadline</c> past a timer's ~49
    /// days an ArgumentOutOfRangeException out of the run: a stack trace and exit 134 instead of exit 2 and a message.
    /// </summary>
    [Theory]
    [InlineData("custom --duration 1e300", "--duration '1e300' is too long")]
    [InlineData("custom --decision-ttl 1e20h", "--decision-ttl '1e20h' is too long")]
    [InlineData("custom --timeout 1e300ms", "--timeout '1e300ms' is too long")]
    [InlineData("custom --deadline 100h", "--deadline must be at most 48h.")]
    [InlineData("custom --duration 24h --deadline 49h", "--deadline must be at most 48h.")]
    public void TimesNoDrillCanUse_GetAClearMessage(string args, string expected) =>
        Assert.Contains(expected, Error(args), StringComparison.Ordinal);

    [Theory]
    [InlineData("seed --deadline 2m", 120)]
    [InlineData("custom --requests 500 --deadline 90s", 90)]
    public void ARunBoundedByItsAttempts_TakesADeadlineShorterThanTheFloodCap(string args, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Ok(args).EffectiveDeadline);

    [Fact]
    public void AnEmptyOut_IsRefused() =>
        Assert.Equal("--out must not be empty.", Assert.IsType<string>(OptionsParser.Parse(["custom", "--out", ""], _ => "pw").Error));

    [Fact]
    public void ADeadlineWithinTheDuration_IsRefused() =>
        Assert.Equal("--deadline must be longer than the flood (--duration).", Error("custom --duration 1m --deadline 30s"));

    [Fact]
    public async Task ADeadlinePastATimersReach_IsAUsageError_NotACrash()
    {
        var options = DrillOptions.ForPreset(Preset.Seed) with { AdminPassword = "pw", Deadline = TimeSpan.FromDays(60) };

        var error = await Assert.ThrowsAsync<DrillSetupException>(() => DrillRunner.RunAsync(options));

        Assert.Contains("--deadline must be at most 48h.", error.Message, StringComparison.Ordinal);
    }

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

    /// <summary>
    /// Before the flood, a run that opens more connections than a server lets one address hold (256) is told the setting
    /// to raise, on a line of its own: until 2026-12-07 a crowd learnt it from a failed all-answered after the flood.
    /// </summary>
    [Theory]
    [InlineData("crowd", true)]
    [InlineData("seed", false)]
    [InlineData("soak", false)]
    [InlineData("custom --concurrency 128 --retries 2", false)]
    [InlineData("custom --concurrency 129 --retries 2", true)]
    [InlineData("custom --concurrency 257", true)]
    public void ManyConnections_AreWarnedOfBeforeTheFlood_NamingTheServerSetting(string args, bool warned)
    {
        var warning = ConnectionCapWarning.For(Ok(args));

        Assert.Equal(warned, warning is not null);
        if (warning is not null)
        {
            Assert.Contains("  Limits__MaxConnectionsPerClient=0", warning.Split(Environment.NewLine));
            Assert.Contains("Limits:MaxConnectionsPerClient", warning, StringComparison.Ordinal);
        }
    }
}
