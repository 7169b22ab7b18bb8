using FlashSale.Drill.Checking;

namespace FlashSale.Drill.Cli;

/// <summary>
/// Said before the flood: a run that opens more connections than a FlashSale server lets one address hold gets the extra
/// ones closed unanswered, and fails <c>all-answered</c> after the whole flood (a <c>crowd</c> against the default server:
/// 73 requests unanswered, 2026-12-07). Every drill connection comes from this machine, so the server's cap applies to all.
/// </summary>
internal static class ConnectionCapWarning
{
    /// <summary>The warning for these options, or null when their connections fit under the server's default cap.</summary>
    public static string? For(DrillOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        // MaxConnectionsPerServer of the drill's handler: an attempt's parallel copies each hold a connection.
        var connections = (long)o.Concurrency * o.Retries;
        if (connections <= AnsweredCheck.ServerConnectionCap)
        {
            return null;
        }

        var nl = Environment.NewLine;
        return $"drill: warning: up to {connections} connections (--concurrency {o.Concurrency} × --retries {o.Retries}), all from this " +
               $"machine to {o.Url.Authority}. A FlashSale server closes those beyond {AnsweredCheck.ServerConnectionCap} per address " +
               $"unanswered (Limits:MaxConnectionsPerClient), and all-answered then fails. Unless it already runs so, start it with{nl}" +
               $"  {AnsweredCheck.LiftConnectionCap}{nl}" +
               "(behind nginx, raise its limit_conn perip too).";
    }
}
