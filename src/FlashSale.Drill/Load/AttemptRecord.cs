namespace FlashSale.Drill.Load;

/// <summary>
/// One purchase request as the client saw it. An attempt (one <see cref="AttemptId"/>) sends 1–5 copies with the
/// same key. <see cref="Status"/> 0 means no HTTP answer (<see cref="Error"/> says why). Times are microseconds
/// since the flood started. <see cref="Detail"/> is the problem's detail of a 5xx answer (null otherwise), for the report.
/// <see cref="OutcomeUnknown"/> is what a 5xx's <c>application/problem+json</c> body said of <c>outcomeUnknown</c> (false
/// when absent), null for a 5xx without a problem body and for every other answer (<see cref="Api.PurchaseResult"/>).
/// <see cref="IsCutOff"/>: still in flight when an interrupt's grace ran out, so the drill stopped waiting — its outcome
/// is unknown, as a timeout's, but the server was not slow to answer it.
/// </summary>
internal sealed record AttemptRecord(
    long Seq,
    long AttemptId,
    int Copy,
    string SaleId,
    string UserId,
    string? IdempotencyKey,
    int Quantity,
    int Status,
    string? Reason,
    string? OrderId,
    string? OrderStatus,
    long StartMicros,
    long EndMicros,
    string? Error = null,
    string? Detail = null,
    bool? RetryAfter = null,
    bool? OutcomeUnknown = null)
{
    /// <summary>The <see cref="Error"/> of a request cut off at an interrupt.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>
    /// What a 2xx's body said the order is — its buyer, sale and units — to be held against the attempt and the record
    /// (a 201 naming another buyer tells one buyer of another's order, G8). Null when not a 2xx or the body left it out.
    /// </summary>
    public string? AckUserId { get; init; }

    /// <inheritdoc cref="AckUserId"/>
    public string? AckSaleId { get; init; }

    /// <inheritdoc cref="AckUserId"/>
    public int? AckQuantity { get; init; }

    /// <summary>A <c>409 sold_out</c>'s <c>remaining</c>: the units it says were left (docs/api.md). Null otherwise.</summary>
    public int? Remaining { get; init; }

    /// <summary>A <c>409 limit_reached</c>'s <c>held</c> and <c>limit</c>: the buyer's units and the limit it says it judged by.</summary>
    public int? Held { get; init; }

    /// <inheritdoc cref="Held"/>
    public int? Limit { get; init; }

    public long LatencyMicros => EndMicros - StartMicros;
    public bool IsCutOff => Status == 0 && Error == Interrupted;
    public bool IsSuccess => Status is 201 or 202;
    public bool IsAnswered => Status != 0;
}
