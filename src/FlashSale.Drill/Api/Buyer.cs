namespace FlashSale.Drill.Api;

/// <summary>A buyer identity the drill acts as.</summary>
internal sealed record Buyer(string UserId, string Username, string AccessToken);
