namespace FlashSale.Purchasing;

/// <summary>One validated purchase attempt by an authenticated user (the user comes from the token).</summary>
public sealed record PurchaseAttempt(Guid SaleId, string UserId, string Username, int Quantity, string? IdempotencyKey);
