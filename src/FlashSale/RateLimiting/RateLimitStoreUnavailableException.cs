namespace FlashSale.RateLimiting;

/// <summary>
/// The limiter's shared store is failing, not answering within its bound, or was just found so (a circuit breaker
/// open): the request is answered 503, nothing was counted or changed. The limiter logs once when it starts failing,
/// so the middleware does not log each such request.
/// </summary>
public sealed class RateLimitStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
