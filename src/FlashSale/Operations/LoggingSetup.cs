namespace FlashSale.Operations;

public static class LoggingSetup
{
    /// <summary>ASP.NET Core's per-request logger: request start and finish lines, and the request's scope.</summary>
    public const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// <c>Logging:Format=json</c> switches the console to one JSON object per line (for log shippers);
    /// scopes carry the request's trace id so every line of a request can be found together.
    /// </summary>
    public static ILoggingBuilder AddFlashSaleLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        // A misspelt format (jsno) stops the start: until 2026-12-06 it gave text lines without a word, to a log
        // shipper that expects JSON.
        var format = configuration["Logging:Format"];
        if (!string.IsNullOrEmpty(format) && !format.Equals("json", StringComparison.OrdinalIgnoreCase)
            && !format.Equals("text", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Logging:Format must be json or text (unset: text), not '{format}'.");
        }

        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.ClearProviders();
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = false;
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });

            // While its logger is enabled at any level, hosting gives every request an Activity (a W3C
            // trace id) and a log scope; text lines print neither, and on a sold-out rejection they cost
            // ~8% of the server's rate (docs/benchmarks.md). So text logs switch that logger off unless its
            // request lines were asked for (Information or lower). An OpenTelemetry tracer listening to
            // hosting still gets its activities: hosting starts one whenever its source has listeners.
            if (ConfiguredLevel(configuration, RequestLogCategory) > LogLevel.Information)
            {
                logging.AddFilter(RequestLogCategory, LogLevel.None);
            }
        }

        return logging;
    }

    /// <summary>The level <c>Logging:LogLevel</c> gives a category: its longest configured prefix, else Default.</summary>
    public static LogLevel ConfiguredLevel(IConfiguration configuration, string category)
    {
        for (var name = category; name.Length > 0; name = name.Contains('.') ? name[..name.LastIndexOf('.')] : "")
        {
            if (Enum.TryParse<LogLevel>(configuration[$"Logging:LogLevel:{name}"], ignoreCase: true, out var level))
            {
                return level;
            }
        }

        return Enum.TryParse<LogLevel>(configuration["Logging:LogLevel:Default"], ignoreCase: true, out var fallback)
            ? fallback
            : LogLevel.Information;
    }
}
