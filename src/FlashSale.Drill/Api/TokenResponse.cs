namespace FlashSale.Drill.Api;

internal sealed record TokenResponse(string AccessToken, string? TokenType, DateTimeOffset? ExpiresAt);
