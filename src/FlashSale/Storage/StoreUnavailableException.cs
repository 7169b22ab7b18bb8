namespace FlashSale.Storage;

/// <summary>
/// A store is known to be down, so the request is refused before it waits for it
/// (<see cref="Postgres.PostgresRequests"/>); answered 503 by <see cref="StoreUnavailableExceptionHandler"/>.
/// </summary>
public sealed class StoreUnavailableException(string message) : Exception(message);
