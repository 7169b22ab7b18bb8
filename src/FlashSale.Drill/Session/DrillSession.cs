using FlashSale.Drill.Api;
using FlashSale.Drill.Checking;

namespace FlashSale.Drill.Session;

/// <summary>Everything set up before the flood: the admin token, the sales, the buyers, the pre-existing orders.</summary>
internal sealed record DrillSession(
    string AdminToken,
    IReadOnlyList<SaleDto> Sales,
    IReadOnlyList<Buyer> Buyers,
    IReadOnlyDictionary<string, IReadOnlySet<string>> Baseline,
    Expectation? Expectation,
    string RunTag);
