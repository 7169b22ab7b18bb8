namespace FlashSale.Drill.Api;

internal sealed record MintTokensResponse(IReadOnlyList<MintedBuyer> Tokens, DateTimeOffset? ExpiresAt);
