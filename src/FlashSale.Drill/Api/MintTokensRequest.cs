namespace FlashSale.Drill.Api;

internal sealed record MintTokensRequest(int Count);
