using System.Diagnostics;
using FlashSale.Drill.Api;

namespace FlashSale.Drill.Load;

/// <summary>
/// Sends one attempt: one request, or with retries the same key 2–5 times — one after another on even
/// attempts, all at once on odd ones (the server must answer the duplicates with the first outcome or
/// <c>request_in_progress</c>).
/// </summary>
internal sealed class AttemptSender(FlashSaleClient api, ResponseLog log, LiveStats stats, long floodStart)
{
    public async Task SendAsync(long attempt, Buyer buyer, string saleId, int quantity, string? key, int copies,
        CancellationToken ct)
    {
        stats.AttemptStarted();
        if (copies <= 1 || attempt % 2 == 0)
        {
            for (var copy = 1; copy <= copies; copy++)
            {
                await SendCopyAsync(attempt, copy, buyer, saleId, quantity, key, ct);
            }

            return;
        }

        var parallel = new Task[copies];
        for (var copy = 1; copy <= copies; copy++)
        {
            parallel[copy - 1] = SendCopyAsync(attempt, copy, buyer, saleId, quantity, key, ct);
        }

        await Task.WhenAll(parallel);
    }

    private async Task SendCopyAsync(long attempt, int copy, Buyer buyer, string saleId, int quantity, string? key,
        CancellationToken ct)
    {
        stats.RequestStarted();
        var start = NowMicros();
        var result = await api.PurchaseAsync(buyer.AccessToken, saleId, quantity, key, ct);
        var end = NowMicros();
        var record = new AttemptRecord(log.NextSeq(), attempt, copy, saleId, buyer.UserId, key, quantity,
            result.Status, result.Reason, result.OrderId, result.OrderStatus, start, end, result.Error, result.Detail, result.RetryAfter,
            result.OutcomeUnknown);
        log.Add(record);
        stats.RequestFinished(OutcomeKey.Of(record), end - start);
    }

    private long NowMicros() => (long)Stopwatch.GetElapsedTime(floodStart).TotalMicroseconds;
}
