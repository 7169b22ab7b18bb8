using FlashSale.Drill.Checking;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Tests;

/// <summary>
/// A fabricated, clean run: 15 buyers, one attempt each, on a sale of 10 units with limit 1 — ten 201s whose
/// orders are on the server, five 409 sold_out. Tests plant one violation and expect exactly that check to fail.
/// </summary>
internal sealed class Scenario
{
    public const string SaleId = "sale-1";

    public List<AttemptRecord> Records { get; } = [];
    public List<ServerOrder> Orders { get; } = [];
    public StockSnapshot Stock { get; set; } = new(10, 0, 10);
    public SaleFacts Sale { get; set; } = new(SaleId, 10, 1) { CreatedByDrill = true };
    public HashSet<string> Preexisting { get; } = [];

    public static Scenario Clean()
    {
        var s = new Scenario();
        for (var i = 0; i < 15; i++)
        {
            var user = $"user-{i}";
            var key = $"key-{i}";
            if (i < 10)
            {
                var order = $"order-{i}";
                s.Records.Add(Record(i, user, key, 201, orderId: order, start: i * 10));
                s.Orders.Add(new ServerOrder(order, SaleId, user, 1, ServerOrder.Confirmed, key));
            }
            else
            {
                s.Records.Add(Record(i, user, key, 409, reason: "sold_out", start: i * 10));
            }
        }

        return s;
    }

    public static AttemptRecord Record(long attempt, string user, string? key, int status, string? reason = null,
        string? orderId = null, long start = 0, int copy = 1, int quantity = 1, string? error = null, string? detail = null,
        bool? outcomeUnknown = null) =>
        new(attempt * 10 + copy, attempt, copy, SaleId, user, key, quantity, status, reason, orderId,
            status switch { 201 => "confirmed", 202 => "pending", _ => null }, start, start + 5, error, detail,
            OutcomeUnknown: outcomeUnknown)
        {
            // A 2xx's body names the order's buyer, sale and units, as the server's does.
            AckUserId = status is 201 or 202 ? user : null,
            AckSaleId = status is 201 or 202 ? SaleId : null,
            AckQuantity = status is 201 or 202 ? quantity : null,
        };

    /// <summary>
    /// The server's 503 details (RedisLedger, EmbeddedLedger): the first two come without <c>outcomeUnknown</c> (bought
    /// nothing), the last with <c>outcomeUnknown: true</c> (may have). The drill judges the field, not these words.
    /// </summary>
    public const string RecordDown = "Orders cannot be recorded right now; nothing was bought. Try again shortly.";
    public const string RecordRefused = "The record refused this order; nothing was bought.";
    public const string LedgerDown =
        "The purchase ledger is unreachable; if this attempt carried an Idempotency-Key, retry with the same key to learn its outcome.";

    public RunFacts Run { get; set; } = new();
    public bool Moving { get; set; }

    public IReadOnlyList<Verdict> Check(Expectation? expectation = null) =>
        InvariantChecker.Check(Records, [new SaleEvidence(Sale, Stock, Orders, Preexisting) { Moving = Moving }], expectation, Run);

    public static IReadOnlyList<string> Failed(IReadOnlyList<Verdict> verdicts) =>
        [.. verdicts.Where(v => !v.Passed).Select(v => v.Id)];
}
