namespace FlashSale.Drill.Cli;

/// <summary>
/// Everything one drill run needs. Build one with <see cref="ForPreset"/> and adjust with <c>with</c>;
/// <see cref="OptionsValidator"/> says what is wrong with it.
/// </summary>
public sealed record DrillOptions
{
    public Preset Preset { get; init; } = Preset.Custom;

    /// <summary>The only address traffic is ever sent to.</summary>
    public Uri Url { get; init; } = new("http://localhost:5000");

    public bool AllowRemote { get; init; }
    public string AdminUser { get; init; } = "admin";
    public string? AdminPassword { get; init; }

    /// <summary>Use this existing sale instead of creating fresh ones.</summary>
    public string? SaleId { get; init; }

    public int Sales { get; init; } = 1;
    public int Users { get; init; } = 100;
    public int Concurrency { get; init; } = 10;

    /// <summary>Purchase attempts to make; null means bounded by <see cref="Duration"/> only.</summary>
    public int? Requests { get; init; }

    /// <summary>How long to flood; null means bounded by <see cref="Requests"/> (and <see cref="MaxFlood"/>).</summary>
    public TimeSpan? Duration { get; init; }

    public TimeSpan RampUp { get; init; }
    public TimeSpan RampDown { get; init; }
    public TimeSpan ThinkMin { get; init; }
    public TimeSpan ThinkMax { get; init; }
    public int Stock { get; init; } = 100;
    public int Limit { get; init; } = 1;
    public int QuantityMin { get; init; } = 1;
    public int QuantityMax { get; init; } = 1;

    /// <summary>Requests per attempt with the same Idempotency-Key (1–5); copies alternate sequential and parallel.</summary>
    public int Retries { get; init; } = 1;

    public bool NoKeys { get; init; }
    public int Seed { get; init; } = 42;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a 202 <c>pending</c> may take to become an order.</summary>
    public TimeSpan PendingWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>--stop-grace</c>: how long an interrupt (Ctrl+C, SIGTERM) waits for the requests in flight before it gives up on
    /// them (k6's gracefulStop, shorter by default: an operator pressing Ctrl+C wants the summary now, and a healthy server
    /// answers in milliseconds; a server under a slow flood may need longer for its answers to count).
    /// </summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the server remembers a key's sold_out/limit_reached answer (its <c>Distributed:DecisionTtl</c>); a copy of
    /// the key sent later may be decided afresh. Copies of one key span at most retries × timeout, so only a shorter TTL matters.
    /// </summary>
    public TimeSpan DecisionTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Flood cap when only a request count is given.</summary>
    public TimeSpan MaxFlood { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Hard deadline for the whole run; null means flood time + 3 minutes.</summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>Where summary.json / summary.md go; null writes nothing.</summary>
    public string? OutputDirectory { get; init; }

    public bool Quiet { get; init; }

    /// <summary><c>--max-p50</c>: the flood's median answer must come within this; null sets no objective.</summary>
    public TimeSpan? MaxP50 { get; init; }

    /// <summary><c>--max-p99</c>: the flood's 99th-percentile answer must come within this; null sets no objective.</summary>
    public TimeSpan? MaxP99 { get; init; }

    /// <summary>The longest the flood may run.</summary>
    public TimeSpan FloodLimit => Duration ?? MaxFlood;

    public TimeSpan EffectiveDeadline => Deadline ?? FloodLimit + TimeSpan.FromMinutes(3);

    /// <summary>Safety net on the attempt count when a run is bounded by duration only.</summary>
    public const int MaxAttempts = 10_000_000;

    public int AttemptBudget => Requests ?? (Duration is null ? Users : MaxAttempts);

    public static DrillOptions ForPreset(Preset preset) => PresetDefaults.For(preset);
}
