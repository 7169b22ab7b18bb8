using FlashSale.Drill.Api;
using FlashSale.Drill.Checking;

namespace FlashSale.Drill.Session;

/// <summary>
/// Everything set up before the flood: the admin token, the sales (as read once open) and, for sales the drill created,
/// the terms it asked for and the server's create answers (<see cref="Requested"/> is null with <c>--sale</c>); the
/// buyers and when the first of their tokens expires (the server's word; null if it gave none); the pre-existing orders.
/// </summary>
internal sealed record DrillSession(
    string AdminToken,
    IReadOnlyList<SaleDto> Sales,
    SaleTerms? Requested,
    IReadOnlyList<SaleDto> Created,
    IReadOnlyList<Buyer> Buyers,
    DateTimeOffset? TokensExpireAt,
    IReadOnlyDictionary<string, IReadOnlySet<string>> Baseline,
    Expectation? Expectation,
    string RunTag);
