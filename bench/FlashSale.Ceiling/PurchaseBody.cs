namespace FlashSale.Ceiling;

/// <summary>The purchase body FlashSale reads: <c>{"quantity":1}</c>.</summary>
public sealed record PurchaseBody(int Quantity);
