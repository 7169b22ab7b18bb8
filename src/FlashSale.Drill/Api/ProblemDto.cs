namespace FlashSale.Drill.Api;

internal sealed record ProblemDto(string? Type, string? Title, int? Status, string? Detail, string? Reason);
