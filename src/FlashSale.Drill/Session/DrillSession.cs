using FlashSale.Drill.Api;
using FlashSale.Drill.Checking;

namespace FlashSale.Drill.Session;

/// <summary>
/// Everything set up before the flood: the admin token, the sales (as read once open) and, for sales the drill created,
/// the terms it asked for and the server's create answers (<see cref="Requested"/> is null with <c>--sale</c>); the
/// buyers; the pre-existing orders.
/// </summary>
internal sealed record DrillSession(
    string AdminToken,
    IReadOnlyList<SaleDto> Sales,
    SaleTerms? Requested,
    IReadOnlyList<SaleDto> Created,
    IReadOnlyList<Buyer> Buyers,
    IReadOnlyDictionary<string, IReadOnlySet<string>> Baseline,
    Expectation? Expectation,
    string RunTag);
