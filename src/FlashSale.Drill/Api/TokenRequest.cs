namespace FlashSale.Drill.Api;

internal sealed record TokenRequest(string Username, string Password);
