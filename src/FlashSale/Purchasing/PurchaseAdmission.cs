using FlashSale.Common;
using Microsoft.Extensions.Options;

namespace FlashSale.Purchasing;

/// <summary>
/// Load shedding on the purchase path: at most <see cref="RequestLimitsOptions.MaxPurchasesInFlight"/>
/// purchases are decided or waiting for their commit at once. Beyond that, answering 503 at once
/// keeps memory and latency bounded for the purchases already accepted.
/// </summary>
public sealed class PurchaseAdmission(IOptions<RequestLimitsOptions> options)
{
    private readonly int _max = options.Value.MaxPurchasesInFlight;
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a slot; dispose the ticket when the purchase is answered. Null when full.</summary>
    public Ticket? TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) > _max)
        {
            Interlocked.Decrement(ref _inFlight);
            return null;
        }

        return new Ticket(this);
    }

    public sealed class Ticket(PurchaseAdmission owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._inFlight);
            }
        }
    }
}
