namespace FlashSale.Drill.Api;

/// <summary>
/// One purchase request as the client saw it. Status 0 means no HTTP answer (see <see cref="Error"/>). <see cref="Detail"/> is
/// the problem's detail of a 5xx only: it says whether anything was bought ("nothing was bought") or the outcome is unknown.
/// <see cref="RetryAfter"/>: for a 429 or 503, whether it said when to come back (G7); null for every other answer.
/// </summary>
internal sealed record PurchaseResult(int Status, string? Reason, string? OrderId, string? OrderStatus, string? Error,
    string? Detail = null, bool? RetryAfter = null);
