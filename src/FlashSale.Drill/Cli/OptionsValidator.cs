namespace FlashSale.Drill.Cli;

/// <summary>Every reason an options record cannot run, phrased for the person who typed it.</summary>
public static class OptionsValidator
{
    private static readonly TimeSpan MaxDeadline = TimeSpan.FromHours(48);

    public static IReadOnlyList<string> Validate(DrillOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var problems = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                problems.Add(message);
            }
        }

        Require(o.Url.IsAbsoluteUri && o.Url.Scheme is "http" or "https", $"--url '{o.Url}' must be an absolute http(s) URL.");
        Require(o.AllowRemote || !o.Url.IsAbsoluteUri || TargetGuard.IsLoopback(o.Url),
            $"--url host '{(o.Url.IsAbsoluteUri ? o.Url.Host : o.Url)}' is not loopback (127.0.0.0/8, localhost, ::1); " +
            "pass --allow-remote to flood another machine.");
        Require(!string.IsNullOrEmpty(o.AdminPassword),
            $"An admin password is required: --admin-password or the {OptionsParser.PasswordVariable} environment variable.");
        Require(!string.IsNullOrWhiteSpace(o.AdminUser), "--admin-user must not be empty.");
        Require(o.SaleId is null || o.SaleId.Length > 0, "--sale must not be empty.");
        // Until 2026-12-06: "--out '' cannot be written: The value cannot be an empty string. (Parameter 'path')".
        Require(o.OutputDirectory is null || !string.IsNullOrWhiteSpace(o.OutputDirectory), "--out must not be empty.");
        Require(o.Sales is >= 1 and <= 10, "--sales must be 1..10.");
        Require(o.SaleId is null || o.Sales == 1, "--sale uses one existing sale; do not combine it with --sales.");
        Require(o.Users is >= 1 and <= 100_000, "--users must be 1..100000.");
        Require(o.Concurrency is >= 1 and <= 5_000, "--concurrency must be 1..5000.");
        Require(o.Requests is null or (>= 1 and <= DrillOptions.MaxAttempts), $"--requests must be 1..{DrillOptions.MaxAttempts}.");
        Require(o.Duration is null || (o.Duration >= TimeSpan.FromSeconds(1) && o.Duration <= TimeSpan.FromHours(24)),
            "--duration must be between 1s and 24h.");
        Require(o.RampUp >= TimeSpan.Zero && o.RampDown >= TimeSpan.Zero, "--ramp-up/--ramp-down must not be negative.");
        Require((o.RampUp == TimeSpan.Zero && o.RampDown == TimeSpan.Zero) || o.Duration is not null,
            "--ramp-up/--ramp-down need --duration.");
        Require(o.Duration is null || o.RampUp + o.RampDown <= o.Duration,
            "--ramp-up plus --ramp-down must fit inside --duration.");
        Require(o.ThinkMin >= TimeSpan.Zero && o.ThinkMin <= o.ThinkMax && o.ThinkMax <= TimeSpan.FromMinutes(1),
            "--think must be a range within 0..1m.");
        Require(o.Stock is >= 1 and <= 10_000_000, "--stock must be 1..10000000.");
        Require(o.Limit is >= 1 and <= 1_000_000, "--limit must be 1..1000000.");
        Require(o.QuantityMin >= 1 && o.QuantityMin <= o.QuantityMax && o.QuantityMax <= 1000, "--quantity must be 1..1000.");
        Require(o.SaleId is not null || o.QuantityMax <= o.Limit,
            "--quantity must not exceed --limit (every attempt would be rejected).");
        Require(o.Retries is >= 1 and <= 5, "--retries must be 1..5.");
        Require(!(o.NoKeys && o.Retries > 1), "--retries replays an Idempotency-Key, so it cannot be combined with --no-keys.");
        Require(o.RequestTimeout >= TimeSpan.FromMilliseconds(100) && o.RequestTimeout <= TimeSpan.FromMinutes(5),
            "--timeout must be 100ms..5m.");
        Require(o.PendingWait >= TimeSpan.Zero && o.PendingWait <= TimeSpan.FromMinutes(10), "--pending-wait must be 0..10m.");
        // A stop grace longer than --timeout waits for nothing more: each request gives up at its timeout anyway.
        Require(o.StopGrace >= TimeSpan.Zero && o.StopGrace <= TimeSpan.FromMinutes(5), "--stop-grace must be 0..5m.");
        Require(o.DecisionTtl >= TimeSpan.FromSeconds(1) && o.DecisionTtl <= TimeSpan.FromDays(30),
            "--decision-ttl must be 1s..720h (the server's Distributed:DecisionTtl).");
        // Below HdrHistogram's 1 µs resolution nothing can be judged; past --timeout no answer can be that slow.
        Require(o.MaxP50 is null || (o.MaxP50 >= TimeSpan.FromMicroseconds(1) && o.MaxP50 <= o.RequestTimeout),
            "--max-p50 must be at least 0.001ms (the histogram's resolution) and at most --timeout.");
        Require(o.MaxP99 is null || (o.MaxP99 >= TimeSpan.FromMicroseconds(1) && o.MaxP99 <= o.RequestTimeout),
            "--max-p99 must be at least 0.001ms (the histogram's resolution) and at most --timeout.");
        Require(o.MaxP50 is null || o.MaxP99 is null || o.MaxP50 <= o.MaxP99,
            "--max-p50 must not be longer than --max-p99 (a median cannot be slower than the 99th percentile).");
        Require(o.MaxFlood > TimeSpan.Zero, "The flood must be bounded in time.");
        // Only a --duration is a flood meant to run that long. A run bounded by its attempts has a 10-minute cap as a
        // safety net, and a shorter --deadline bounds it tighter: until 2026-12-06 `seed --deadline 2m` was refused as
        // "must be longer than the flood (--duration)", an option seed does not have.
        Require(o.Duration is not { } flood || o.EffectiveDeadline > flood, "--deadline must be longer than the flood (--duration).");
        // A timer runs out after ~49 days at most (CancelAfter): until 2026-12-06 --deadline 1200h ended the drill with an
        // ArgumentOutOfRangeException. The longest flood (24h) has a day to be checked.
        Require(o.EffectiveDeadline <= MaxDeadline, "--deadline must be at most 48h.");
        return problems;
    }
}
