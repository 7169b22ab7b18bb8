using FlashSale.Drill;
using FlashSale.Drill.Cli;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Drill;

/// <summary>The drill's presets against the real embedded server over a real socket: every invariant verdict must pass.</summary>
public sealed class DrillAgainstServerTests : IAsyncLifetime
{
    // Every drill buyer shares the test's one client address: the per-IP rule would count 200
    // buyers as one client. The seed preset under the default rules is RateLimitHttpTests' job.
    private readonly TestApp _app = new(realSocket: true, settings: new Dictionary<string, string?>
    {
        ["RateLimiting:Rules:per-ip:PermitLimit"] = "1000000",
    });

    public Task InitializeAsync()
    {
        _app.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SeedPreset_FiftyBuyersTenUnits_AllInvariantsHold()
    {
        var options = DrillOptions.ForPreset(Preset.Seed) with
        {
            Url = _app.CreateClient().BaseAddress!,
            AdminPassword = TestApp.AdminPassword,
            Quiet = true,
        };

        var report = await DrillRunner.RunAsync(options);

        Assert.True(report.Passed, string.Join('\n', report.Verdicts.Where(v => !v.Passed).Select(v => $"{v.Title}: {v.Detail}")));
    }

    [Fact]
    public async Task RetryStorm_SameKeysUpToFiveTimes_OneOrderPerKey()
    {
        var options = DrillOptions.ForPreset(Preset.Custom) with
        {
            Url = _app.CreateClient().BaseAddress!,
            AdminPassword = TestApp.AdminPassword,
            Quiet = true,
            Users = 200,
            Concurrency = 32,
            Requests = 400,
            Stock = 150,
            Limit = 2,
            Retries = 5,
        };

        var report = await DrillRunner.RunAsync(options);

        Assert.True(report.Passed, string.Join('\n', report.Verdicts.Where(v => !v.Passed).Select(v => $"{v.Title}: {v.Detail}")));
    }
}
