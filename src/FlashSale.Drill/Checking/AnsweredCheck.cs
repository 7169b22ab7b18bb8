namespace FlashSale.Drill.Checking;

/// <summary>
/// Every request got an HTTP answer (no timeouts, resets or refused connections). A request the drill itself gave up on at
/// an interrupt (<see cref="Load.AttemptRecord.IsCutOff"/>) is no finding against the server: only counted. Its outcome
/// stays unknown, and the other checks treat it as they treat a lost answer.
/// </summary>
internal static class AnsweredCheck
{
    /// <summary>How HttpClient names a connection the server closed (or refused) before answering.</summary>
    private static readonly HashSet<string> ClosedUnanswered =
        [nameof(HttpRequestError.ResponseEnded), nameof(HttpRequestError.ConnectionError)];

    /// <summary>An instance's default <c>Limits:MaxConnectionsPerClient</c>: connections from one address beyond it are closed unanswered.</summary>
    public const int ServerConnectionCap = 256;

    /// <summary>The setting that lifts the cap, alone on its line so that it can be pasted.</summary>
    public const string LiftConnectionCap = "Limits__MaxConnectionsPerClient=0";

    public static Verdict Run(CheckContext c)
    {
        var unanswered = c.Records.Where(r => !r.IsAnswered && !r.IsCutOff).ToList();
        var violations = unanswered
            .GroupBy(r => r.Error ?? "unknown")
            .Select(g => $"no answer ({g.Key}) × {g.Count()}" +
                         (ClosedUnanswered.Contains(g.Key) ? " — connections the server closed unanswered: see below" : ""))
            .ToList();
        var closed = unanswered.Count(r => ClosedUnanswered.Contains(r.Error ?? ""));
        var cutOff = c.Records.Count(r => r.IsCutOff);
        // Counted in requests: the violations are groups by error, and "1 violation(s)" was said of 73 requests (2026-12-07).
        return Verdict.From("all-answered", "G7", "Every request answered", violations, cutOff == 0
            ? $"{c.Records.Count} requests, all answered"
            : $"{c.Records.Count - cutOff} requests answered; {cutOff} still in flight when the interrupt's grace ran out, cut off by the drill (outcome unknown)",
            failDetail: $"{unanswered.Count} of {c.Records.Count} requests unanswered") with
        {
            Hint = closed == 0 ? null : ConnectionCapHint(closed),
        };
    }

    /// <summary>
    /// An instance closes a client's connections beyond <c>Limits:MaxConnectionsPerClient</c> (256) unanswered, and every
    /// drill connection comes from this one address: the likely cause when the connections outnumber it.
    /// </summary>
    internal static string ConnectionCapHint(int closed) =>
        $"{closed} request(s) ended on a connection the server closed or refused unanswered. If --concurrency × --retries (the " +
        $"connections the drill opens, all from this machine) is above the server's Limits:MaxConnectionsPerClient " +
        $"({ServerConnectionCap} per address by default), it closed the extra ones: start the server with{Environment.NewLine}" +
        $"  {LiftConnectionCap}{Environment.NewLine}" +
        "(behind nginx, raise its limit_conn perip too; docs/drill.md, \"Rate limits and the drill\").";
}
