using FlashSale.Purchasing;

namespace FlashSale.Storage.Redis;

/// <summary>
/// A purchase while the record is marked down (<see cref="Postgres.RecordHealth"/>): nothing new is decided, since nobody
/// could record it (G3, G7). An attempt without a key is answered at once that nothing was bought. A keyed one may be the
/// retry of a key decided before the outage (answered 202 pending, or 503 outcome unknown), and "nothing was bought"
/// read as that key's outcome sent clients to buy again under a new key (G5): its key is looked at first.
/// </summary>
public sealed partial class RedisLedger
{
    private const string RecordDown = "Orders cannot be recorded right now; nothing was bought. Try again shortly.";
    private const string RecordDownKeyFree = "Orders cannot be recorded right now; nothing was bought, and no purchase is decided under this Idempotency-Key. Try again shortly.";
    private const string RecordDownKeyUnknown = "Orders cannot be recorded right now and this Idempotency-Key's earlier outcome cannot be looked up; this attempt bought nothing, but an earlier one with the same key may have: retry with the same key to learn its outcome.";

    /// <summary>
    /// The answer to a keyed attempt while the record is down: <c>peek.lua</c> reads what the key holds, in the sale's
    /// slot, writing nothing, with <c>purchase.lua</c>'s steps before the window. A decision is answered as its replay is
    /// (an order: 201 once recorded, else 202 pending if Redis can be shown to keep it, else 503 outcome unknown; a
    /// remembered rejection: its 409; another quantity: 422). No decision: 503, nothing bought under the key. No state
    /// for the sale (retired, or lost by Redis: the key's order would be in the record only) or Redis not answering: 503
    /// with the outcome unknown.
    /// <para>
    /// "No decision" is what Redis held when it ran the look. An attempt with the same key whose script is still on its
    /// way (sent and not yet run: one not answered yet, or answered outcome unknown after its reply was lost) can decide
    /// after it, on another connection; that attempt's own answer, or a later retry of the key, tells. Nothing else can:
    /// no new decision is made while the record is down.
    /// </para>
    /// </summary>
    private async Task<PurchaseOutcome> AnswerKeyedWhileRecordDownAsync(PurchaseAttempt attempt, string key, CancellationToken ct)
    {
        string[] peek;
        try
        {
            peek = (string[])(await scripts.Peek.EvaluateAsync(redis.GetDatabase(),
                [RedisKeys.Meta(attempt.SaleId), RedisKeys.Idempotency(attempt.SaleId, attempt.UserId, key)], [attempt.Quantity]))!;
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TaskCanceledException && !ct.IsCancellationRequested)
        {
            // Any failure, sent or not: this attempt bought nothing, but what its key holds is not known.
            LogRedisFailed(attempt.SaleId, ex.Message);
            return new PurchaseOutcome.Unavailable(RecordDownKeyUnknown, OutcomeUnknown: true);
        }

        return peek[0] switch
        {
            "none" => new PurchaseOutcome.Unavailable(RecordDownKeyFree),
            "replay" => (await ReplayAsync(attempt, peek[1], ct)).AsReplay(),
            "quantity" => PurchaseOutcome.Rejected.QuantityOutOfRange(LedgerValues.Int(peek[1])),
            "withdrawn" => PurchaseOutcome.Rejected.NoSuchSale(),
            _ => new PurchaseOutcome.Unavailable(RecordDownKeyUnknown, OutcomeUnknown: true),
        };
    }
}
