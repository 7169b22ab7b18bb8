namespace FlashSale.Purchasing;

/// <summary>The whole body of a purchase. Nothing else is accepted: the buyer comes from the token, the price from the sale.</summary>
public sealed record PurchaseRequest(int Quantity);
