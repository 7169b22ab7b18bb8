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

    /// <summary>
    /// An instance closes a client's connections beyond <c>Limits:MaxConnectionsPerClient</c> (256) unanswered, and every
    /// drill connection comes from this one address: the likely cause when the connections outnumber it.
    /// </summary>
    public const string ConnectionCapHint =
        " — if --concurrency × --retries (the connections a drill opens) is above the server's Limits:MaxConnectionsPerClient (256 per address; a drill's all " +
        "come from this machine), the server closed the extra connections unanswered: start it with Limits__MaxConnectionsPerClient=0";

    public static Verdict Run(CheckContext c)
    {
        var violations = c.Records
            .Where(r => !r.IsAnswered && !r.IsCutOff)
            .GroupBy(r => r.Error ?? "unknown")
            .Select(g => $"no answer ({g.Key}) × {g.Count()}" + (ClosedUnanswered.Contains(g.Key) ? ConnectionCapHint : ""))
            .ToList();
        var cutOff = c.Records.Count(r => r.IsCutOff);
        return Verdict.From("all-answered", "G7", "Every request answered", violations, cutOff == 0
            ? $"{c.Records.Count} requests, all answered"
            : $"{c.Records.Count - cutOff} requests answered; {cutOff} still in flight when the interrupt's grace ran out, cut off by the drill (outcome unknown)");
    }
}
