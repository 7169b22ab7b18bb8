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

    public static async Task WriteAsync(Stream output, IAsyncEnumerable<Order> orders, CancellationToken ct)
    {
        // A small buffer flushed as it fills: memory stays flat however many orders the sale has.
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(Header.AsMemory(), ct);
        await writer.WriteAsync("\r\n".AsMemory(), ct);
        await foreach (var order in orders.WithCancellation(ct))
        {
            await writer.WriteAsync(Row(order).AsMemory(), ct);
        }

        await writer.FlushAsync(ct);
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
