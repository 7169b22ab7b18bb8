using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>The purchase outcomes the API documents (docs/api.md); anything else is a finding.</summary>
internal static class DocumentedOutcomes
{
    private static readonly Dictionary<int, string[]?> Reasons = new()
    {
        // request_in_progress was documented until 2026-12-07, never answered: a copy sent while the first is decided waits for it.
        [409] = ["sold_out", "limit_reached", "sale_not_started", "sale_ended"],
        [404] = ["sale_not_found"],
        [400] = ["validation_failed", "invalid_json", "invalid_idempotency_key"],
        [401] = null, // any reason: the contract names none
        [403] = null,
        [422] = ["idempotency_key_mismatch"],
        [429] = ["rate_limited"],
        [503] = ["unavailable"],
    };

    public static bool IsDocumented(int status, string? reason, string? orderId, string? orderStatus) => status switch
    {
        201 => orderId is not null && string.Equals(orderStatus, ServerOrder.Confirmed, StringComparison.Ordinal),
        202 => orderId is not null && string.Equals(orderStatus, ServerOrder.Pending, StringComparison.Ordinal),
        _ => Reasons.TryGetValue(status, out var reasons) && (reasons is null || (reason is not null && reasons.Contains(reason))),
    };

    /// <summary>
    /// The answer says this request bought nothing: a documented refusal (a 4xx) or a 503 <c>application/problem+json</c> without
    /// <c>"outcomeUnknown": true</c> — the purchase contract (docs/api.md): such a 503 was refused before anything was
    /// decided (the ledgers, the admission limit, the store and rate-limit handlers). Decided by the field, never by
    /// the detail's wording. A 503 with <c>outcomeUnknown: true</c>, any other 5xx and a 5xx without a problem body (a
    /// proxy's 502/504 page) leave the outcome unknown.
    /// </summary>
    public static bool SaysNothingBought(AttemptRecord r) => r.Status switch
    {
        >= 400 and < 500 => IsDocumented(r.Status, r.Reason, null, null),
        503 => r.OutcomeUnknown == false,
        _ => false,
    };

    /// <summary>
    /// The request may have bought something the client was not told of: no answer, a 5xx that does not say nothing was
    /// bought (<see cref="SaysNothingBought"/>: a 503 with <c>outcomeUnknown: true</c>, another 5xx, a 5xx without a
    /// problem body), or an answer that is no documented outcome. (A 2xx told.)
    /// </summary>
    public static bool MayHaveBoughtUntold(AttemptRecord r) => !r.IsSuccess && !SaysNothingBought(r);

    /// <summary>Outcomes that are decisions (the server looked at the attempt), as opposed to "try again later".</summary>
    public static bool IsDecision(int status) =>
        status is 201 or 202 or 400 or 404 or 409 or 422;
}
