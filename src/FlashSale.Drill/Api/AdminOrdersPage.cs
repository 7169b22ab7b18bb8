namespace FlashSale.Drill.Api;

internal sealed record AdminOrdersPage(IReadOnlyList<AdminOrderDto> Items, string? NextCursor);
