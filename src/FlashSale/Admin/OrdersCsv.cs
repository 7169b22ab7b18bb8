using System.Globalization;
using System.Text;
using FlashSale.Orders;

namespace FlashSale.Admin;

/// <summary>
/// The orders export: RFC 4180 CSV, one row per order, written as the rows are read. Text cells are
/// made safe for spreadsheets (CSV injection): a cell starting with = + - @ (or a tab or carriage
/// return) is prefixed with a single quote so it is shown as text, never run as a formula.
/// </summary>
public static class OrdersCsv
{
    public const string Header =
        "orderId,saleId,userId,username,quantity,unitPrice,total,currency,purchasedAt,status,idempotencyKey,cancelledAt,cancelledBy";

    /// <summary>
    /// Reads the first order before anything is written, then hands back the writer of the whole file. A store that
    /// is down fails that read while the response can still be a 503 with Retry-After; once the header line is out,
    /// the status is sent and a failure can only cut the download off.
    /// </summary>
    public static async Task<Func<Stream, Task>> FirstReadAsync(IAsyncEnumerable<Order> orders, CancellationToken ct)
    {
        var rows = orders.GetAsyncEnumerator(ct);
        bool any;
        try
        {
            any = await rows.MoveNextAsync();
        }
        catch
        {
            await rows.DisposeAsync();
            throw;
        }

        return output => WriteAsync(output, rows, any, ct);
    }

    private static async Task WriteAsync(Stream output, IAsyncEnumerator<Order> rows, bool any, CancellationToken ct)
    {
        // Disposed whatever happens to the response: the rows hold a connection and a reader.
        await using (rows)
        {
            // A small buffer flushed as it fills: memory stays flat however many orders the sale has.
            await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
            await writer.WriteAsync(Header.AsMemory(), ct);
            await writer.WriteAsync("\r\n".AsMemory(), ct);
            for (var more = any; more; more = await rows.MoveNextAsync())
            {
                await writer.WriteAsync(Row(rows.Current).AsMemory(), ct);
            }

            await writer.FlushAsync(ct);
        }
    }

    public static string Row(Order o)
    {
        var row = new StringBuilder(256);
        row.Append(o.Id.ToString("D")).Append(',')
            .Append(o.SaleId.ToString("D")).Append(',')
            .Append(Cell(o.UserId)).Append(',')
            .Append(Cell(o.Username)).Append(',')
            .Append(o.Quantity.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(o.UnitPrice.ToString("0.00", CultureInfo.InvariantCulture)).Append(',')
            .Append(o.Total.ToString("0.00", CultureInfo.InvariantCulture)).Append(',')
            .Append(Cell(o.Currency)).Append(',')
            .Append(Time(o.PurchasedAt)).Append(',')
            .Append(o.Status switch
            {
                OrderStatus.Confirmed => "confirmed",
                OrderStatus.Pending => "pending",
                _ => "cancelled",
            }).Append(',')
            .Append(Cell(o.IdempotencyKey)).Append(',')
            .Append(o.CancelledAt is { } at ? Time(at) : "").Append(',')
            .Append(Cell(o.CancelledBy))
            .Append("\r\n");
        return row.ToString();
    }

    /// <summary>One text cell: neutralised if a spreadsheet would read it as a formula, quoted if needed.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
