using System.Diagnostics;
using FlashSale.Drill.Api;

namespace FlashSale.Drill.Load;

/// <summary>
/// Sends one attempt: one request, or with retries the same key 2–5 times — one after another on even
/// attempts, all at once on odd ones (the server must answer the duplicates with the first outcome).
/// </summary>
internal sealed class AttemptSender(FlashSaleClient api, ResponseLog log, LiveStats stats, long floodStart)
{
    // interrupt: no further copy is sent (those sent go on). inFlight: cuts the requests in flight — at an interrupt's
    // end of grace they are recorded as cut off (AttemptRecord.Interrupted). abort: the hard deadline; it propagates.
    public async Task SendAsync(long attempt, Buyer buyer, string saleId, int quantity, string? key, int copies,
        CancellationToken interrupt, CancellationToken inFlight, CancellationToken abort)
    {
        stats.AttemptStarted();
        if (copies <= 1 || attempt % 2 == 0)
        {
            // Copies after the first are new requests: an interrupt stops them like any other.
            for (var copy = 1; copy <= copies && (copy == 1 || !interrupt.IsCancellationRequested); copy++)
            {
                await SendCopyAsync(attempt, copy, buyer, saleId, quantity, key, inFlight, abort);
            }

            return;
        }

        var parallel = new Task[copies];
        for (var copy = 1; copy <= copies; copy++)
        {
            parallel[copy - 1] = SendCopyAsync(attempt, copy, buyer, saleId, quantity, key, inFlight, abort);
        }

        await Task.WhenAll(parallel);
    }

    private async Task SendCopyAsync(long attempt, int copy, Buyer buyer, string saleId, int quantity, string? key,
        CancellationToken inFlight, CancellationToken abort)
    {
        stats.RequestStarted();
        var start = NowMicros();
        PurchaseResult result;
        try
        {
            result = await api.PurchaseAsync(buyer.AccessToken, saleId, quantity, key, inFlight);
        }
        catch (OperationCanceledException) when (inFlight.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            // Sent but never answered: it may have bought, which the checker allows for as it does a lost answer.
            var cut = new AttemptRecord(log.NextSeq(), attempt, copy, saleId, buyer.UserId, key, quantity, 0, null, null, null,
                start, NowMicros(), AttemptRecord.Interrupted);
            log.Add(cut);
            stats.RequestCutOff(OutcomeKey.Of(cut));
            return;
        }

        var end = NowMicros();
        var record = new AttemptRecord(log.NextSeq(), attempt, copy, saleId, buyer.UserId, key, quantity,
            result.Status, result.Reason, result.OrderId, result.OrderStatus, start, end, result.Error, result.Detail, result.RetryAfter,
            result.OutcomeUnknown)
        {
            AckUserId = result.AckUserId, AckSaleId = result.AckSaleId, AckQuantity = result.AckQuantity,
            Remaining = result.Remaining, Held = result.Held, Limit = result.Limit,
        };
        log.Add(record);
        stats.RequestFinished(OutcomeKey.Of(record), end - start);
    }

    private long NowMicros() => (long)Stopwatch.GetElapsedTime(floodStart).TotalMicroseconds;
}
