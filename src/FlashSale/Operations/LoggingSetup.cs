namespace FlashSale.Operations;

public static class LoggingSetup
{
    /// <summary>
    /// <c>Logging:Format=json</c> switches the console to one JSON object per line (for log shippers);
    /// scopes carry the request's trace id so every line of a request can be found together.
    /// </summary>
    public static ILoggingBuilder AddFlashSaleLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        if (string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
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
        }

        return logging;
    }
}
