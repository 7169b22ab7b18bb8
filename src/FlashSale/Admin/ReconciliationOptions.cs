using FlashSale.Common;
using System.ComponentModel.DataAnnotations;

namespace FlashSale.Admin;

/// <summary><c>Reconciliation</c> in configuration: the drift check (<see cref="DriftWatch"/>).</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";

    /// <summary>
    /// How often each instance compares every sale's ledger with the record, changing nothing (0: never). Five minutes:
    /// drift shows on <c>/metrics</c> and in the log well within an operator's reaction time, for a few milliseconds of
    /// reads per sale.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The shortest interval but 0 (a timer cannot tick faster than a millisecond; a check takes longer anyway).</summary>
    public static readonly TimeSpan ShortestInterval = TimeSpan.FromMilliseconds(100);
}

public static class DriftWatchSetup
{
    /// <summary>The periodic drift check (<see cref="DriftWatch"/>) and its settings, checked at start.</summary>
    public static IServiceCollection AddFlashSaleDriftWatch(this IServiceCollection services)
    {
        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section)
            .ValidateSettings(ReconciliationOptions.Section)
            // Until 2026-12-07 00:00:00.0005 passed the range and stopped the start with "A task was canceled." (the timer's
            // refusal), naming nothing.
            .Validate(o => o.CheckInterval <= TimeSpan.Zero || o.CheckInterval >= ReconciliationOptions.ShortestInterval,
                $"{ReconciliationOptions.Section}:CheckInterval must be 0 (never) or at least {ReconciliationOptions.ShortestInterval:c} " +
                $"(environment variable {ReconciliationOptions.Section}__CheckInterval).")
            .ValidateOnStart();
        services.AddSingleton<DriftWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<DriftWatch>());
        return services;
    }
}
