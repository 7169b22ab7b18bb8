namespace FlashSale.Drill.Cli;

internal static class PresetDefaults
{
    public static DrillOptions For(Preset preset) => preset switch
    {
        // 50 buyers at once, one attempt each, for 10 units: exactly 10 orders and 40 sold_out.
        Preset.Seed => new DrillOptions
        {
            Preset = preset, Users = 50, Concurrency = 50, Requests = 50, Stock = 10, Limit = 1,
        },
        // k6-style: 1,000 VUs ramp up over 10 s, hold 10 s, ramp down over 10 s; each loops attempt → think.
        Preset.Crowd => new DrillOptions
        {
            Preset = preset, Users = 1000, Concurrency = 1000, Duration = TimeSpan.FromSeconds(30),
            RampUp = TimeSpan.FromSeconds(10), RampDown = TimeSpan.FromSeconds(10),
            ThinkMin = TimeSpan.FromMilliseconds(500), ThinkMax = TimeSpan.FromMilliseconds(1500),
            Stock = 100, Limit = 1,
        },
        // Steady load across three sales, with replays of the same key to exercise idempotency.
        Preset.Soak => new DrillOptions
        {
            Preset = preset, Sales = 3, Users = 500, Concurrency = 64, Duration = TimeSpan.FromMinutes(2),
            RampUp = TimeSpan.FromSeconds(5), Stock = 10_000, Limit = 50, QuantityMin = 1, QuantityMax = 2,
            Retries = 2,
        },
        _ => new DrillOptions { Preset = Preset.Custom },
    };
}
