namespace FlashSale.Drill.Api;

/// <summary>
/// One purchase request as the client saw it. Status 0 means no HTTP answer (see <see cref="Error"/>). <see cref="Detail"/> is
/// the problem's detail of a 5xx only, kept for the report: prose, never judged.
/// <see cref="RetryAfter"/>: for a 429 or 503, whether it said when to come back (G7); null for every other answer.
/// <see cref="OutcomeUnknown"/>: for a 5xx whose body is an <c>application/problem+json</c> problem, whether it carries
/// <c>"outcomeUnknown": true</c> (false when the field is absent); null for a 5xx without a problem body (a proxy's HTML
/// 502/504, an unreadable body) and for every other answer. A purchase 503 problem with false bought nothing (docs/api.md).
/// The rest is what the answer says in numbers and names, for the checker to hold against the attempt and the server:
/// a 2xx's buyer, sale and units; a <c>sold_out</c>'s <c>remaining</c>, a <c>limit_reached</c>'s <c>held</c> and <c>limit</c>.
/// </summary>
internal sealed record PurchaseResult(int Status, string? Reason, string? OrderId, string? OrderStatus, string? Error,
    string? Detail = null, bool? RetryAfter = null, bool? OutcomeUnknown = null)
{
    public string? AckUserId { get; init; }
    public string? AckSaleId { get; init; }
    public int? AckQuantity { get; init; }
    public int? Remaining { get; init; }
    public int? Held { get; init; }
    public int? Limit { get; init; }
}
