namespace FlashSale.Drill.Tests;

internal enum FakeServerBug
{
    None,
    Oversell,
    LoseEveryThirdOrder,
    SyntheticBuyersDisabled,

    /// <summary>Not a bug: a server with <c>Auth:SyntheticBuyers:MaxPerRequest=100</c> refuses to mint more in one call (400 validation_failed).</summary>
    MintsAtMostAHundred,

    /// <summary>A created sale keeps a per-user limit of 5, whatever was asked (and says so in every answer).</summary>
    IgnoresCreateLimit,

    /// <summary>Every purchase is answered 409 sold_out, though the stock is all there.</summary>
    SellsNothing,

    /// <summary>
    /// Not a bug: a live sale. Another shopper buys a unit each time the last page of a sale's orders is listed (the
    /// listing misses it, the next stock read has it), so there are orders of users the drill did not mint and the
    /// counters run ahead of the listing.
    /// </summary>
    OtherShoppersBuy,

    /// <summary>
    /// Every third purchase is recorded but answered 503 "The record refused this order; nothing was bought." — a problem
    /// without <c>outcomeUnknown</c>, which the contract says bought nothing.
    /// </summary>
    BuysButAnswersNothingWasBought,

    /// <summary>Every third purchase is refused 503 unavailable, nothing bought, without the Retry-After G7 asks of it.</summary>
    NoRetryAfter,

    /// <summary>The first listing of a sale's orders is refused as per-IP rate limiting does (429, Retry-After: 1): not a bug, backpressure.</summary>
    ThrottlesTheFirstOrderListing,

    /// <summary>
    /// The first sign-in, the first mint and the first sale creation are each refused as rate limiting does (429,
    /// Retry-After: 1): not a bug, backpressure on the drill's own POSTs, which it must send again with their body.
    /// </summary>
    ThrottlesTheFirstOfEachPost,

    /// <summary>
    /// Not a bug: a slow server. Every fifth purchase that buys records its order and then never answers (until the client
    /// gives up), as a request still in flight when the drill is interrupted.
    /// </summary>
    EveryFifthSaleHangs,

    /// <summary>Not a bug: a slow server. Every fifth purchase that buys records its order and answers 6 s later.</summary>
    EveryFifthSaleAnswersLate,

    /// <summary>Every 201's body names another buyer than the one who bought (the order itself is recorded right).</summary>
    AcknowledgesAnotherBuyer,

    /// <summary>Keeps the last unit: a purchase that would take it is refused 409 sold_out (whose remaining says 1 is left).</summary>
    SoldOutOneUnitEarly,

    /// <summary>
    /// Not a bug: distributed mode's outbox. Every third purchase that buys is answered 503 with <c>outcomeUnknown: true</c>;
    /// its units leave the stock counters at once, and its order is listed from the sale's second listing on.
    /// </summary>
    UnknownOutcomesListedLate,

    /// <summary>As <see cref="UnknownOutcomesListedLate"/>, but those orders are never listed: the counters stay ahead.</summary>
    UnknownOutcomesNeverListed,
}
