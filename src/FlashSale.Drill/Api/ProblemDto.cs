namespace FlashSale.Drill.Api;

/// <summary>
/// An RFC 9457 problem as the server writes it. <see cref="OutcomeUnknown"/>: a purchase 503's
/// <c>"outcomeUnknown": true</c>, the answer cannot say whether the order exists (absent otherwise: nothing was bought).
/// <see cref="Errors"/>: a <c>400 validation_failed</c>'s messages per field (its detail only says to look there).
/// <see cref="Remaining"/>: a purchase's 409 <c>sold_out</c>'s units left; <see cref="Held"/> and <see cref="Limit"/>: a
/// 409 <c>limit_reached</c>'s units the buyer holds and its limit (docs/api.md: read the numbers, never the detail).
/// </summary>
internal sealed record ProblemDto(string? Type, string? Title, int? Status, string? Detail, string? Reason, bool? OutcomeUnknown = null,
    Dictionary<string, string[]>? Errors = null, int? Remaining = null, int? Held = null, int? Limit = null);
