using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>The purchase outcomes the API documents (docs/api.md); anything else is a finding.</summary>
internal static class DocumentedOutcomes
{
    private static readonly Dictionary<int, string[]?> Reasons = new()
    {
        [409] = ["sold_out", "limit_reached", "sale_not_started", "sale_ended", "request_in_progress"],
        [404] = ["sale_not_found"],
        [400] = ["validation_failed", "invalid_json"],
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
    /// The server's own words on a 503 that bought nothing: the ledgers' "…; nothing was bought." (the record is down or
    /// refused the order) and the store handler's and the failing rate limiter's "…; nothing was changed.". Every other
    /// 503 — above all "retry with the same key to learn its outcome" when the ledger did not answer — leaves the
    /// outcome unknown.
    /// </summary>
    private static readonly string[] NothingDonePhrases = ["nothing was bought", "nothing was changed"];

    /// <summary>
    /// The answer says this request bought nothing: a documented refusal (4xx other than <c>request_in_progress</c>,
    /// which only says another copy holds the key) or a 503 whose detail says nothing was bought.
    /// </summary>
    public static bool SaysNothingBought(AttemptRecord r) => r.Status switch
    {
        >= 400 and < 500 => r.Reason != "request_in_progress" && IsDocumented(r.Status, r.Reason, null, null),
        503 => r.Detail is { } detail && NothingDonePhrases.Any(p => detail.Contains(p, StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };

    /// <summary>
    /// The request may have bought something the client was not told of: no answer, a 5xx that does not say nothing was
    /// bought, or an answer that is no documented outcome. (A 2xx told, and <c>request_in_progress</c> tells nothing.)
    /// </summary>
    public static bool MayHaveBoughtUntold(AttemptRecord r) =>
        !r.IsSuccess && !SaysNothingBought(r) && !(r.Status == 409 && r.Reason == "request_in_progress");

    /// <summary>Outcomes that are decisions (the server looked at the attempt), as opposed to "try again later".</summary>
    public static bool IsDecision(int status, string? reason) =>
        status is 201 or 202 or 400 or 404 or 422 || (status == 409 && reason != "request_in_progress");
}
