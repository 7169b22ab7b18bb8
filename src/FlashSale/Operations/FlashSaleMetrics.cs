using System.Diagnostics.Metrics;
using FlashSale.Live;

namespace FlashSale.Operations;

/// <summary>
/// The server's own instruments (meter <c>FlashSale</c>), exported at <c>/metrics</c>. Names follow
/// OpenTelemetry conventions; Prometheus sees them with dots as underscores and unit suffixes.
/// </summary>
public sealed class FlashSaleMetrics
{
    public const string MeterName = "FlashSale";

    private readonly Counter<long> _purchases;
    private readonly Histogram<double> _decision;
    private readonly Histogram<double> _commit;
    private readonly Histogram<long> _batch;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _connectionsRefused;
    private readonly Counter<long> _signInFailures;
    private readonly Counter<long> _hashingRefused;
    private readonly UpDownCounter<long> _sseClients;

    public FlashSaleMetrics(IMeterFactory meters, IOutboxLag? outbox = null, SaleFeedHub? feeds = null,
        Storage.Postgres.SaleChangeListener? saleChanges = null, Admin.DriftWatch? drift = null,
        Storage.Redis.ClockSkewWatch? clockWatch = null)
    {
        var meter = meters.Create(MeterName);
        _purchases = meter.CreateCounter<long>("flashsale.purchases", "{attempt}",
            "Purchase attempts by outcome (created, pending, replayed: a retry answered with its key's earlier order, sold_out, limit_reached, ...).");
        _decision = meter.CreateHistogram<double>("flashsale.purchase.duration", "s",
            "Time from a validated attempt to its answer, including the durable commit.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _commit = meter.CreateHistogram<double>("flashsale.commit.duration", "s",
            "Time of one group commit (one transaction + fsync).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _batch = meter.CreateHistogram<long>("flashsale.commit.batch_size", "{write}",
            "Writes per group commit.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
        _rateLimited = meter.CreateCounter<long>("flashsale.rate_limited", "{request}", "Requests refused by a rate-limit rule.");
        _connectionsRefused = meter.CreateCounter<long>("flashsale.connections.refused", "{connection}",
            "Connections closed before their first request: per_client (the address holds Limits:MaxConnectionsPerClient), "
            + "first_byte_timeout (no byte within Limits:RequestHeadersTimeout), instance (the instance holds Limits:MaxConcurrentConnections).");
        _signInFailures = meter.CreateCounter<long>("flashsale.sign_in_failures", "{attempt}",
            "Sign-ins refused, by reason: invalid_credentials (wrong password or unknown user), throttled (the username's sign-ins are over sign-in-per-account).");
        _hashingRefused = meter.CreateCounter<long>("flashsale.password_hashing.refused", "{request}",
            "Sign-ins and registrations answered 503 because no password-hashing turn came in time, by reason: queue_full, timed_out.");
        _sseClients = meter.CreateUpDownCounter<long>("flashsale.sse.clients", "{connection}", "Open live-feed connections.");
        if (feeds is not null)
        {
            // Above Live:MinInterval, the delivery budget is slowing every feed down for the audience's size.
            meter.CreateObservableGauge("flashsale.live.update_interval", () => feeds.UpdateInterval.TotalSeconds, "s",
                "Least time between two live updates of a sale now: Live:MinInterval, longer while the viewers exceed the delivery budget.");
        }

        if (outbox is not null)
        {
            // Distributed only: decided orders not yet in PostgreSQL (sampled once a second).
            meter.CreateObservableGauge("flashsale.outbox.pending", () => outbox.Current.Pending, "{entry}",
                "Orders decided in Redis and not yet recorded in PostgreSQL, over all sales.");
            meter.CreateObservableGauge("flashsale.outbox.oldest_age", () => outbox.Current.OldestAge.TotalSeconds, "s",
                "How long the oldest unrecorded order has waited for PostgreSQL (0 when none).");
        }

        if (clockWatch is { Enabled: true })
        {
            // Not with the check off: a gauge stuck at 0 would read as "in step".
            // Distributed only: G6 needs the instances' clocks in step (Storage/Redis/ClockSkewWatch.cs).
            meter.CreateObservableGauge("flashsale.clock.skew",
                () => clockWatch.LastSkew is { } skew ? [new Measurement<double>(skew.TotalSeconds)] : Array.Empty<Measurement<double>>(), "s",
                "This instance's clock minus Redis's at the latest conclusive check (Distributed:ClockCheckInterval); beyond Distributed:MaxClockSkew either way the instance refuses purchases and turns unready.");
        }

        if (drift is not null)
        {
            // G4 watched: nonzero means the ledger and the record disagree (Admin/DriftWatch.cs; alert on it).
            meter.CreateObservableGauge("flashsale.ledger.drifted_sales", () => drift.Latest?.DriftedSales ?? 0, "{sale}",
                "Sales whose ledger and order record disagreed on the units sold at the latest drift check (Reconciliation:CheckInterval, or GET/POST /api/v1/admin/reconcile).");
            meter.CreateObservableGauge("flashsale.ledger.drift_units", () => drift.Latest?.DriftUnits ?? 0, "{unit}",
                "Units by which the ledger and the record disagreed at the latest drift check, summed over sales (each |ledger - record|).");
            meter.CreateObservableGauge("flashsale.ledger.unchecked_sales", () => drift.Latest?.UncheckedSales ?? 0, "{sale}",
                "Sales the latest drift check could not compare (selling too fast to read the ledger and the record at one moment): neither drifting nor known to agree.");
            meter.CreateObservableGauge("flashsale.ledger.drift_checked", () => drift.Latest?.CheckedAt.ToUnixTimeSeconds() ?? 0, "s",
                "When the latest drift check ran (Unix time; 0: none yet). Older than two intervals: the checks are failing (event 4107).");
        }

        if (saleChanges is not null)
        {
            // Distributed only: 0 while deaf to PostgreSQL's notices (or Distributed:RememberSales=false): every sale read is a query.
            meter.CreateObservableGauge("flashsale.sale_changes.listening", () => saleChanges.Listening ? 1 : 0, "{state}",
                "1 while this instance hears PostgreSQL's notices of sale writes and serves the sales it remembers; 0: every read is a query.");
        }
    }

    private static readonly double[] LatencyBuckets =
        [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1, 2, 5];

    public void Purchase(string outcome, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _purchases.Add(1, tag);
        _decision.Record(elapsed.TotalSeconds, tag);
    }

    public void Commit(int batchSize, TimeSpan elapsed, bool succeeded)
    {
        _commit.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("succeeded", succeeded));
        _batch.Record(batchSize);
    }

    public void RateLimited(string rule) => _rateLimited.Add(1, new KeyValuePair<string, object?>("rule", rule));

    public void ConnectionRefused(string reason) => _connectionsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void SignInFailed(string reason) => _signInFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void PasswordHashingRefused(string reason) => _hashingRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void SseClientConnected() => _sseClients.Add(1);

    public void SseClientDisconnected() => _sseClients.Add(-1);
}
