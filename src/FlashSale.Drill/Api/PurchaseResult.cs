namespace FlashSale.Drill.Api;

/// <summary>One purchase request as the client saw it. Status 0 means no HTTP answer (see <see cref="Error"/>).</summary>
internal sealed record PurchaseResult(int Status, string? Reason, string? OrderId, string? OrderStatus, string? Error);
