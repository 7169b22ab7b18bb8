using System.Globalization;
using System.Text;
using System.Text.Json;
using FlashSale.Drill.Api;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Reporting;

/// <summary>Writes the summary as JSON and Markdown, and on failure every response as CSV for digging.</summary>
internal static class ReportWriter
{
    /// <summary>
    /// Creates <paramref name="directory"/> and writes and removes a probe file in it, before the run, so a folder that
    /// cannot be written is a usage error (exit 2) and not a crash after the whole flood.
    /// </summary>
    /// <exception cref="DrillSetupException">The folder cannot be created or written.</exception>
    public static void EnsureWritable(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".drill-probe-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (IsWriteError(e))
        {
            throw new DrillSetupException($"--out '{directory}' cannot be written: {e.Message}");
        }
    }

    /// <summary>What creating a folder or writing a file throws for a path that cannot be written.</summary>
    public static bool IsWriteError(Exception e) =>
        e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException;

    public static async Task<IReadOnlyList<string>> WriteAsync(string directory, DrillReport report,
        IReadOnlyList<AttemptRecord> records, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory,
            $"drill-{report.Preset}-{report.StartedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        // Every response as CSV when something needs digging into: a violated invariant, or a missed latency objective (its
        // latency_us column finds the slow answers).
        var dig = !report.Passed || !report.ObjectivesMet;
        List<string> files = dig ? [stem + ".json", stem + ".md", stem + "-responses.csv"] : [stem + ".json", stem + ".md"];
        // The JSON names the files with it (until 2026-12-06 it was written before the list was made: "files": []).
        await File.WriteAllTextAsync(files[0], JsonSerializer.Serialize(report with { Files = files }, ReportJsonContext.Default.DrillReport), ct);
        await File.WriteAllTextAsync(files[1], MarkdownReport.Render(report), ct);
        if (dig)
        {
            await File.WriteAllTextAsync(files[2], Csv(records), ct);
        }

        return files;
    }

    private static string Csv(IReadOnlyList<AttemptRecord> records)
    {
        // The answer's own names and numbers last (a 2xx's buyer, sale, units; a 409's remaining, held, limit): what
        // acks-are-orders, no-undersell and no-wrongful-limit judged.
        var csv = new StringBuilder("seq,attempt,copy,sale,user,key,quantity,status,reason,order,order_status,start_us,latency_us,error,detail,retry_after,outcome_unknown," +
                                    "ack_user,ack_sale,ack_quantity,remaining,held,limit\n");
        foreach (var r in records)
        {
            csv.AppendLine(CultureInfo.InvariantCulture,
                $"{r.Seq},{r.AttemptId},{r.Copy},{r.SaleId},{r.UserId},{r.IdempotencyKey},{r.Quantity},{r.Status},{r.Reason},{r.OrderId},{r.OrderStatus},{r.StartMicros},{r.LatencyMicros},{r.Error},{Quoted(r.Detail)},{r.RetryAfter},{r.OutcomeUnknown}," +
                $"{r.AckUserId},{r.AckSaleId},{r.AckQuantity},{r.Remaining},{r.Held},{r.Limit}");
        }

        return csv.ToString();
    }

    // The server's prose may hold commas and quotes.
    private static string Quoted(string? text) =>
        text is null ? "" : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
