namespace FlashSale.Drill.Api;

internal sealed record PurchaseRequest(int Quantity);
