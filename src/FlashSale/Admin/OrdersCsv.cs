using System.Globalization;
using System.Text;
using FlashSale.Common;
using FlashSale.Orders;
using FlashSale.Sales;

namespace FlashSale.Admin;

/// <summary>
/// The orders export: RFC 4180 CSV, one row per order, written as the rows are read. Text cells are
/// made safe for spreadsheets (CSV injection): a cell starting with = + - @ (or a tab or carriage
/// return) is prefixed with a single quote so it is shown as text, never run as a formula. Each row names its sale (SKU
/// and product, as the sale is at the export), so rows of several exports pasted together still say what was bought.
/// Amounts are plain numbers (no thousands separator) with their currency's ISO 4217 minor units, as the pages write
/// them (<see cref="Money.MinorUnits"/>): until 2026-12-07 every amount had two decimals, 12800.00 JPY and 12.50 KWD.
/// </summary>
public static class OrdersCsv
{
    public const string Header =
        "orderId,saleId,userId,username,quantity,unitPrice,total,currency,purchasedAt,status,idempotencyKey,cancelledAt,cancelledBy,sku,productName";

    /// <summary>
    /// Reads the first order before anything is written, then hands back the writer of the whole file. A store that
    /// is down fails that read while the response can still be a 503 with Retry-After; once the header line is out,
    /// the status is sent and a failure can only cut the download off.
    /// </summary>
    public static async Task<Func<Stream, Task>> FirstReadAsync(Sale sale, IAsyncEnumerable<Order> orders, CancellationToken ct)
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

        // The sale's cells are the same on every row: made safe once.
        var saleCells = Cell(sale.Sku) + "," + Cell(sale.ProductName);
        return output => WriteAsync(output, rows, any, saleCells, ct);
    }

    private static async Task WriteAsync(Stream output, IAsyncEnumerator<Order> rows, bool any, string saleCells, CancellationToken ct)
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
                await writer.WriteAsync(Row(rows.Current, saleCells).AsMemory(), ct);
            }

            await writer.FlushAsync(ct);
        }
    }

    /// <summary>One order's line; <paramref name="saleCells"/> is its sale's SKU and product name, each a <see cref="Cell"/>.</summary>
    public static string Row(Order o, string saleCells)
    {
        var row = new StringBuilder(256);
        row.Append(o.Id.ToString("D")).Append(',')
            .Append(o.SaleId.ToString("D")).Append(',')
            .Append(Cell(o.UserId)).Append(',')
            .Append(Cell(o.Username)).Append(',')
            .Append(o.Quantity.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(Amount(o.UnitPrice, o.Currency)).Append(',')
            .Append(Amount(o.Total, o.Currency)).Append(',')
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
            .Append(Cell(o.CancelledBy)).Append(',')
            // Appended after the columns exports had before 2026-12-07, so a reader by position reads them as it did.
            .Append(saleCells)
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

    /// <summary>An amount as a spreadsheet reads a number: no thousands separator, the currency's minor units (JPY 12800, KWD 12.500).</summary>
    public static string Amount(decimal amount, string currency) =>
        amount.ToString(AmountFormats[Money.MinorUnits(currency)], CultureInfo.InvariantCulture);

    // By minor units (ISO 4217 has 0 to 4), as Money.Text's, without its thousands separator.
    private static readonly string[] AmountFormats = ["0", "0.0", "0.00", "0.000", "0.0000"];

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
