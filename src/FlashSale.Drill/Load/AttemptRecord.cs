namespace FlashSale.Drill.Load;

/// <summary>
/// One purchase request as the client saw it. An attempt (one <see cref="AttemptId"/>) sends 1–5 copies with the
/// same key. <see cref="Status"/> 0 means no HTTP answer (<see cref="Error"/> says why). Times are microseconds
/// since the flood started. <see cref="Detail"/> is the problem's detail of a 5xx answer (null otherwise).
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
    bool? RetryAfter = null)
{
    public long LatencyMicros => EndMicros - StartMicros;
    public bool IsSuccess => Status is 201 or 202;
    public bool IsAnswered => Status != 0;
}
