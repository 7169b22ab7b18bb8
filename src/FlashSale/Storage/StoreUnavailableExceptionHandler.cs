using FlashSale.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FlashSale.Storage;

/// <summary>
/// A store that cannot be reached (PostgreSQL or Redis down, cut or timing out; SQLite busy, locked, out of
/// space or failing I/O) is a dependency down, not a bug: the request is answered 503 `unavailable` with
/// Retry-After, as the purchase path answers, instead of the 500 an unhandled exception gets. The purchase and
/// cancel paths handle these failures themselves; this covers every other read and write (a buyer's orders, the
/// admin's lists and stats, the leaderboard). Errors that are the code's own (a bad query, a constraint) stay 500s.
/// </summary>
public sealed partial class StoreUnavailableExceptionHandler(ILogger<StoreUnavailableExceptionHandler> log) : IExceptionHandler
{
    /// <summary>Long enough for a restart or fail-over to be noticed, short enough that a buyer retries soon.</summary>
    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsStoreUnavailable(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogStoreUnavailable(log, httpContext.Request.Method, httpContext.Request.Path.Value ?? "/", exception.GetType().Name, exception.Message);
        httpContext.Response.Clear();
        // "Nothing was changed" unless the endpoint's write may have committed before the failure (an admin's sale change).
        // The endpoint as the exception found it: the exception handler middleware clears the context's own.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        var metadata = endpoint?.Metadata.GetMetadata<StoreFailureMetadata>();
        if (metadata?.Keyed is { } keyed && await keyed(httpContext))
        {
            await ApiProblem.Unavailable(httpContext, ApiDocs.KeyedPurchaseNotDecided, RetryAfterSeconds, Purchasing.PurchaseResults.OutcomeUnknown).ExecuteAsync(httpContext);
            return true;
        }

        var detail = metadata?.Detail ?? "A store this request needs is unavailable; nothing was changed. Try again shortly.";
        await ApiProblem.Unavailable(httpContext, detail, RetryAfterSeconds).ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>True for failures of reaching a store; false for everything the code or the data caused.</summary>
    public static bool IsStoreUnavailable(Exception exception) => exception switch
    {
        StoreUnavailableException => true,
        // Connection and I/O failures, timeouts and the server's own transient states (shutting down, too many
        // connections, recovery) are transient; a syntax error or a violated constraint is not.
        NpgsqlException npgsql => npgsql.IsTransient,
        _ when Redis.RedisFailure.IsOutage(exception) => true,
        // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL.
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6 or 10 or 13,
        TimeoutException => true,
        _ => false,
    };

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "{Method} {Path}: a store is unavailable ({Error}: {Detail}); answered 503")]
    private static partial void LogStoreUnavailable(ILogger logger, string method, string path, string error, string detail);
}
