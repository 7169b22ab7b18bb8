using System.Globalization;
using System.Security.Cryptography;
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
        // Every response as CSV when something needs digging into: a violated invariant, or a missed latency objective (its
        // latency_us column finds the slow answers).
        var dig = !report.Passed || !report.ObjectivesMet;
        for (var attempt = 1; ; attempt++)
        {
            var stem = Path.Combine(directory, Stem(report));
            List<string> files = dig ? [stem + ".json", stem + ".md", stem + "-responses.csv"] : [stem + ".json", stem + ".md"];
            try
            {
                // The JSON names the files with it (until 2026-12-06 it was written before the list was made: "files": []).
                // Created new, never overwritten: the stem is taken by the run that creates its JSON first.
                await WriteNewAsync(files[0], JsonSerializer.Serialize(report with { Files = files }, ReportJsonContext.Default.DrillReport), ct);
            }
            catch (IOException) when (attempt < 5 && File.Exists(files[0]))
            {
                continue;
            }

            await WriteNewAsync(files[1], MarkdownReport.Render(report), ct);
            if (dig)
            {
                await WriteNewAsync(files[2], Csv(records), ct);
            }

            return files;
        }
    }

    /// <summary>
    /// <c>drill-&lt;preset&gt;-&lt;UTC start to the millisecond&gt;-&lt;6 random hex digits&gt;</c>: runs started together
    /// (three <c>seed --out x</c> at once) each get files of their own. Until 2026-12-07 the name went to the second and the
    /// files were overwritten: those three runs left one pair.
    /// </summary>
    internal static string Stem(DrillReport report) =>
        $"drill-{report.Preset}-{report.StartedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}-" +
        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    private static async Task WriteNewAsync(string path, string text, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await using var writer = new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        await writer.WriteAsync(text.AsMemory(), ct);
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
