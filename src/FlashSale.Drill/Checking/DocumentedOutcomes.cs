namespace FlashSale.Drill.Checking;

/// <summary>The purchase outcomes the API documents (DESIGN.md); anything else is a finding.</summary>
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

    /// <summary>Outcomes that are decisions (the server looked at the attempt), as opposed to "try again later".</summary>
    public static bool IsDecision(int status, string? reason) =>
        status is 201 or 202 or 400 or 404 or 422 || (status == 409 && reason != "request_in_progress");
}
