using System.Security.Claims;
using FlashSale.Sales;

namespace FlashSale.Admin;

/// <summary>
/// The admins' audit trail, in the log: who did what, and what it changed. Every admin write (API and dashboard forms:
/// POST, PATCH, PUT, DELETE) is logged with the admin's name, the method, the path and the final status (event 8001), and
/// a sale's change with its fields before and after (8002: created, changed, ended, deleted). Until 2026-12-07 only a
/// cancel recorded who did it: "who changed the price at 14:40" had no answer. JSON logs (<c>Logging__Format=json</c>)
/// carry each line's trace id, which ties 8002 to its 8001.
/// </summary>
public static partial class AdminAudit
{
    private const string Category = "FlashSale.Admin.Audit";

    /// <summary>The audit trail's logger: one category, <c>FlashSale.Admin.Audit</c>, for both events.</summary>
    public static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger(Category);

    /// <summary>
    /// Logs the endpoints' writes once answered (the status as sent, a 503 from the exception handler included). Refusals
    /// before an endpoint runs (authorization, antiforgery, a malformed form) do not reach it.
    /// </summary>
    public static TBuilder AuditWrites<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var log = Logger(factory.ApplicationServices.GetRequiredService<ILoggerFactory>());
            return invocation =>
            {
                var http = invocation.HttpContext;
                if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
                {
                    http.Response.OnCompleted(() =>
                    {
                        LogWrite(log, Admin(http.User), http.Request.Method, http.Request.Path.Value ?? "/", http.Response.StatusCode);
                        return Task.CompletedTask;
                    });
                }

                return next(invocation);
            };
        });
        return builder;
    }

    /// <summary>The fields an admin's change moved, "price 549.00 → 600.00; totalStock 20 → 25"; empty when none did.</summary>
    public static string Changes(Sale before, Sale after)
    {
        var changes = new List<string>();
        Add(changes, "sku", before.Sku, after.Sku);
        Add(changes, "productName", before.ProductName, after.ProductName);
        Add(changes, "description", before.Description, after.Description);
        Add(changes, "imageUrl", before.ImageUrl, after.ImageUrl);
        Add(changes, "price", new Price(before.Price, before.Currency), new Price(after.Price, after.Currency));
        Add(changes, "totalStock", before.TotalStock, after.TotalStock);
        Add(changes, "perUserLimit", before.PerUserLimit, after.PerUserLimit);
        Add(changes, "startsAt", before.StartsAt, after.StartsAt);
        Add(changes, "endsAt", before.EndsAt, after.EndsAt);
        return string.Join("; ", changes);
    }

    /// <summary>A new sale's terms, as <see cref="Changes"/> words them.</summary>
    public static string Terms(Sale sale) =>
        $"sku {sale.Sku}; productName {Quote(sale.ProductName)}; price {Common.Money.Text(sale.Price, sale.Currency)}; " +
        $"totalStock {sale.TotalStock}; perUserLimit {sale.PerUserLimit}; startsAt {Text(sale.StartsAt)}; endsAt {Text(sale.EndsAt)}";

    private static void Add<T>(List<string> changes, string field, T before, T after)
    {
        if (!EqualityComparer<T>.Default.Equals(before, after))
        {
            changes.Add($"{field} {Text(before)} → {Text(after)}");
        }
    }

    private static string Text(object? value) => value switch
    {
        null => "(none)",
        string s => Quote(s),
        DateTimeOffset at => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    // Quoted and cut: a description can be long, and a log line is one line.
    private static string Quote(string text)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= 80 ? $"\"{flat}\"" : $"\"{flat[..77]}…\"";
    }

    /// <summary>An amount with its currency's decimals, unquoted ("549.00 USD").</summary>
    private readonly record struct Price(decimal Amount, string Currency)
    {
        public override string ToString() => Common.Money.Text(Amount, Currency);
    }

    private static string Admin(ClaimsPrincipal user) => user.Identity?.Name ?? "(unknown)";

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Admin {Admin}: {Method} {Path} answered {Status}")]
    private static partial void LogWrite(ILogger logger, string admin, string method, string path, int status);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Sale {SaleId} {Action}: {Changes}")]
    public static partial void LogSaleChange(ILogger logger, Guid saleId, string action, string changes);
}
