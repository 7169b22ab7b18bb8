using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>
/// Keeps this instance's remembered sales (<see cref="Rows"/>) true to PostgreSQL while several instances write: it
/// LISTENs on the channel every committed write to <c>sales</c> notifies (migration 4) and forgets them all on each
/// notice. Remembered sales are served only while it listens: when its connection breaks, or a quiet connection does not
/// answer a ping, it forgets them and stops serving them until it listens again (a notice missed meanwhile must not
/// leave a stale row behind), so a silent break keeps a row at most <see cref="PingAfter"/> plus the ping's timeout.
/// </summary>
/// <remarks>
/// Its own connection, outside the pool: LISTEN is session state. Behind a pooler in transaction mode (PgBouncer) a
/// LISTEN may seem to work and never deliver: turn remembering off there (<c>Distributed:RememberSales=false</c>).
/// </remarks>
public sealed partial class SaleChangeListener(string connectionString, bool enabled, ILogger<SaleChangeListener> log) : BackgroundService
{
    public const string Channel = "flashsale_sales";

    /// <summary>How long a listening connection may stay quiet before it is pinged.</summary>
    public static readonly TimeSpan PingAfter = TimeSpan.FromSeconds(1);

    /// <summary>How long a ping may go unanswered before the connection counts as broken.</summary>
    internal static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>A failure to listen was logged and no LISTEN has held since (one warning per outage, not one per retry).</summary>
    private bool _deaf;

    /// <summary>Suspended until the first LISTEN holds, and whenever notices may be missed.</summary>
    internal SaleRowCache Rows { get; } = new(serving: false);

    /// <summary>True while notices reach this instance: only then are remembered sales served or kept.</summary>
    public bool Listening => Rows.Serving;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!enabled)
        {
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // ListenAsync has suspended the remembered sales on its way out.
                if (!_deaf)
                {
                    LogNotListening(log, ex);
                    _deaf = true;
                }

                try
                {
                    await Task.Delay(RetryAfter, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Notification += (_, _) => Rows.Invalidate();
        // A ping given up on, still running on the connection: the connection is disposed once it ends.
        Task? unanswered = null;
        try
        {
            await connection.OpenAsync(stop);
            await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
            {
                await listen.ExecuteNonQueryAsync(stop);
            }

            // Whatever was written before the LISTEN took hold is forgotten; every later write is noticed.
            Rows.Resume();
            if (_deaf)
            {
                LogListeningAgain(log);
                _deaf = false;
            }

            while (true)
            {
                if (!await connection.WaitAsync(PingAfter, stop))
                {
                    var ping = PingAsync(connection);
                    try
                    {
                        await ping.WaitAsync(PingTimeout, stop);
                    }
                    catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !ping.IsCompleted)
                    {
                        unanswered = ping;
                        stop.ThrowIfCancellationRequested();
                        throw new TimeoutException($"PostgreSQL did not answer a ping in {PingTimeout.TotalSeconds:F0} s", ex);
                    }
                }
            }
        }
        finally
        {
            Rows.Suspend();
            if (unanswered is null)
            {
                await connection.DisposeAsync();
            }
            else
            {
                _ = unanswered.ContinueWith(static (_, c) => ((NpgsqlConnection)c!).DisposeAsync().AsTask(), connection,
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap()
                    .ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// A <c>SELECT 1</c> on the listening connection, waited for <see cref="PingTimeout"/> at most. Past it the ping is
    /// abandoned, not cancelled: Npgsql's cancel of a timed-out command first sends PostgreSQL a cancel request on a new
    /// connection, which a frozen server holds for twice the connection string's <c>Timeout</c> (the listener noticed a
    /// SIGSTOPped PostgreSQL after 32 s, not 2 s). Its command timeout breaks the connection in the end.
    /// </summary>
    private static async Task PingAsync(NpgsqlConnection connection)
    {
        await using var ping = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = (int)PingTimeout.TotalSeconds };
        await ping.ExecuteScalarAsync(CancellationToken.None);
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning,
        Message = "Not listening for sale changes on PostgreSQL; sales are read from the record until it listens again")]
    private static partial void LogNotListening(ILogger log, Exception ex);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Listening for sale changes on PostgreSQL again")]
    private static partial void LogListeningAgain(ILogger log);
}
