namespace FlashSale.Common;

/// <summary>The stable <c>reason</c> values of problem responses. Part of the public API: never rename.</summary>
public static class Reasons
{
    public const string ValidationFailed = "validation_failed";
    public const string InvalidJson = "invalid_json";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string PayloadTooLarge = "payload_too_large";
    public const string SaleNotFound = "sale_not_found";
    public const string OrderNotFound = "order_not_found";
    public const string SoldOut = "sold_out";
    public const string LimitReached = "limit_reached";
    public const string PriceChanged = "price_changed";
    public const string SaleNotStarted = "sale_not_started";
    public const string SaleEnded = "sale_ended";
    public const string IdempotencyKeyMismatch = "idempotency_key_mismatch";
    public const string InvalidIdempotencyKey = "invalid_idempotency_key";
    public const string RateLimited = "rate_limited";
    // Hardening (#5): request size and time limits, CSRF.
    public const string UriTooLong = "uri_too_long";
    public const string HeadersTooLarge = "headers_too_large";
    public const string RequestTimeout = "request_timeout";
    public const string CsrfCheckFailed = "csrf_check_failed";
    public const string Unavailable = "unavailable";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string UsernameTaken = "username_taken";
    public const string InvalidCredentials = "invalid_credentials";
    public const string SkuTaken = "sku_taken";
    public const string SaleNotUpcoming = "sale_not_upcoming";
    public const string SaleHasOrders = "sale_has_orders";
    public const string StockBelowSold = "stock_below_sold";
    public const string FeatureDisabled = "feature_disabled";
    public const string Conflict = "conflict";
    public const string InternalError = "internal_error";
}
