namespace FlashSale.Drill.Checking;

/// <summary>What the checker knows of the run beyond the response log and the server's evidence.</summary>
internal sealed record RunFacts
{
    /// <summary>
    /// How long the server remembers a key's <c>sold_out</c>/<c>limit_reached</c> answer (distributed mode's
    /// <c>Distributed:DecisionTtl</c>, default 24 h; the embedded ledger keeps it while it runs). A key's copy sent this
    /// long after a refusal may be decided afresh.
    /// </summary>
    public TimeSpan DecisionTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long into the flood the buyers' minted tokens were surely valid (their expiry less a minute for clock skew);
    /// a 401 after it is the run outlasting <c>Auth:TokenLifetime</c>, not a refused buyer. Null: valid throughout.
    /// </summary>
    public TimeSpan? TokensValidFor { get; init; }

    /// <summary>How far this machine's clock and the server's may differ: the allowance wherever one is read against the other.</summary>
    public static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(1);

    /// <summary>
    /// This machine's clock when the flood began (a moment before the records' time 0), to place the server's
    /// <see cref="ServerOrder.PurchasedAt"/> among the records; null: the orders' times are not used.
    /// </summary>
    public DateTimeOffset? FloodStartedAt { get; init; }

    /// <summary>
    /// The buyers the drill minted; null: the users in the response log. On a <c>--sale</c> sale, an order of anyone
    /// else is another shopper's, not a phantom.
    /// </summary>
    public IReadOnlySet<string>? DrillUsers { get; init; }

    /// <summary>
    /// The operator stopped the flood: the log is of a partial run. Requests cut off in flight are in it as
    /// <see cref="Load.AttemptRecord.IsCutOff"/>; attempts never started are not. Exact counts (the seed preset's) cannot hold.
    /// </summary>
    public bool Interrupted { get; init; }
}
