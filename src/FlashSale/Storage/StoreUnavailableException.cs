namespace FlashSale.Storage;

/// <summary>
/// A store is known to be down, so the request is refused before it waits for it
/// (<see cref="Postgres.PostgresRequests"/>), or a read it needs failed and no other store can stand in for it (the
/// stock while Redis is down); answered 503 by <see cref="StoreUnavailableExceptionHandler"/>.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
