namespace FlashSale.Drill.Load;

/// <summary>The label an answer is counted under: "201", "409 sold_out", "no answer (timeout)".</summary>
internal static class OutcomeKey
{
    public static string Of(int status, string? reason, string? error) => status switch
    {
        0 => $"no answer ({error ?? "unknown"})",
        _ when reason is null => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => $"{status} {reason}",
    };

    public static string Of(AttemptRecord r) => Of(r.Status, r.Status == 202 ? "pending" : r.Reason, r.Error);
}
