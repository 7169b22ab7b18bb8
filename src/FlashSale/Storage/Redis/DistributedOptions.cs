using System.ComponentModel.DataAnnotations;
using FlashSale.Common;

namespace FlashSale.Storage.Redis;

public sealed class DistributedOptions
{
    public const string Section = "Distributed";

    /// <summary>Prefix of the deployment-wide Redis keys (sale registry, commit channel).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$",
        ErrorMessage = "Distributed:Namespace must be 1-64 letters, digits, '_', '.' or '-' (it starts every Redis key of the deployment)")]
    public string Namespace { get; set; } = "flashsale";

    /// <summary>How long a decided purchase waits for its PostgreSQL commit before answering 202 pending.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan CommitWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a waiting purchase looks in PostgreSQL itself when no commit notice came.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan CommitPoll { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a request's own query (sales, orders, stats, accounts) may wait for PostgreSQL before the request is
    /// answered 503; whole seconds (PostgreSQL counts a command timeout in seconds), at least one. The persister and
    /// the purchase path have their own bounds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    [WholeSeconds(ErrorMessage = "Distributed:RequestCommandTimeout must be whole seconds (PostgreSQL counts a command timeout in seconds), e.g. 00:00:05.")]
    public TimeSpan RequestCommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a request waits for the rate limiter's Redis (a lease to renew, a count to take) before it is answered
    /// 503 with Retry-After, nothing changed. Much shorter than the connection's timeout (5 s): a stalled Redis must not
    /// hold every request. A count Redis makes after this is given back when its answer comes. 1 s, not less: an answer
    /// takes 16–27 ms in Redis here (appendfsync always), but a server short of threads under a flash sale's peak handles
    /// it hundreds of milliseconds late (measured up to ~560 ms), and each miss opens the breaker (503s for
    /// <see cref="RateLimitBreak"/>) although Redis is well.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan RateLimitTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After the rate limiter's Redis failed or timed out, requests that need it are answered 503 at once for this long
    /// (a circuit breaker); then one request tries Redis again, and its answer closes the breaker.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RateLimitBreak { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most outbox entries written to PostgreSQL in one statement.</summary>
    [Range(1, 10_000)]
    public int PersisterBatchSize { get; set; } = 1000;

    /// <summary>After writing a batch of fewer than 64 orders, the persister waits this long before reading the next (bigger batches under load); zero: no wait.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:00.100")]
    public TimeSpan PersisterLinger { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>How often the persister reads every sale's outbox (its own decisions wake it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.005", "00:00:10")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How often each instance's persister pings PostgreSQL while the record answers (a ping unanswered in 2 s, or a failed
    /// write, marks it down: new purchases are refused before any decision).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RecordPing { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often while it is marked down: the first answer marks it up again, as does any batch the persister commits
    /// meanwhile (one written before the outage was noticed and held by it).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RecordPingWhileDown { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Outbox entries delivered to a consumer and not acknowledged for this long are claimed by another (XAUTOCLAIM).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ClaimIdle { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a request waits for another instance to rebuild a sale's Redis state from the record (after Redis lost
    /// it) before it is answered 503; a rebuild lock left by an instance that died expires after 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RebuildWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a remembered rejection (sold_out, limit_reached) answers its key's retries.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan DecisionTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long after the ledger's Redis connection failed, was restored or saw its topology change, or after a start that
    /// found a master promoted from a replica (a failover may have promoted a replica that lags: <see cref="FailoverWatch"/>) a purchase with an Idempotency-Key that Redis answers
    /// sold_out or limit_reached is first looked up in the record: a key the record holds an order for is answered with
    /// that order (G5) and the sale's stale state is rebuilt. One PostgreSQL query per such rejection, only in this window;
    /// zero: never (the stale state's "no" stands until the record refuses something it decided).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FailoverSuspicion { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How many replicas of a sale's Redis master must hold an order before it is answered 202 pending (decided in Redis,
    /// not yet in PostgreSQL: until the persister records it, a failover to a replica without it would lose a 2xx, G3).
    /// -1 (default): one, if the master has a replica a failover could promote (connected to it, or in a cluster listed
    /// for it and not failed; none: nothing to fail over to that lacks the order); 0: never
    /// checked; N: at least N, or 503 with the outcome unknown (<see cref="PendingReplication"/>). A 201 never waits for it.
    /// </summary>
    [Range(-1, 16)]
    public int PendingReplicas { get; set; } = -1;

    /// <summary>
    /// How long a 202 waits for the replicas to acknowledge its order (they do once a second) before it is answered 503,
    /// outcome unknown, instead.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan PendingReplicaWait { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// How far this instance's clock may be from Redis's before it refuses purchases and sale changes and turns unready
    /// (<see cref="ClockSkewWatch"/>): each instance decides sale windows on its own clock (G6). Zero: not checked (tests
    /// that freeze the clock).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the clock is compared with Redis's (one TIME to one master).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan ClockCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Retire ended sales' Redis state (<see cref="SaleRetirement"/>): without it every sale ever run keeps its keys in a
    /// Redis that evicts nothing, and every persister sweep reads every one. Off: kept for good (to look at by hand).
    /// </summary>
    public bool RetireSales { get; set; } = true;

    /// <summary>
    /// How long after its end (the ledger's and the record's) a sale's Redis state is retired; zero: at the first sweep
    /// after the end (tests). Until then its state answers retries and reads as during the sale.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan RetireAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often each instance looks for ended sales to retire (one pipelined read of the registered sales' ends).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan RetireSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Remember the sales buyers read while PostgreSQL's notices of every write to sales reach this instance
    /// (<c>SaleChangeListener</c>); off: every read is a query. Turn off behind a pooler in transaction mode, where LISTEN does not hold.
    /// </summary>
    public bool RememberSales { get; set; } = true;

    /// <summary>This instance's consumer name in the outbox group; unset or blank: host-pid-random.</summary>
    public string? ConsumerName { get; set; }
}
