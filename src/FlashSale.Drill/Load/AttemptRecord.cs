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

    public long LatencyMicros => EndMicros - StartMicros;
    public bool IsCutOff => Status == 0 && Error == Interrupted;
    public bool IsSuccess => Status is 201 or 202;
    public bool IsAnswered => Status != 0;
}
