using System.Diagnostics;
using System.Globalization;
using FlashSale.Drill.Cli;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Reporting;

/// <summary>How progress is shown while the drill runs.</summary>
internal enum ProgressMode
{
    /// <summary><c>--quiet</c>: nothing until the summary.</summary>
    None,

    /// <summary>A terminal: the live panel, redrawn in place.</summary>
    LivePanel,

    /// <summary>Output piped or redirected (CI logs, <c>| tee</c>): a plain line now and then; a redrawn panel would repeat whole.</summary>
    Lines,
}

/// <summary>Chooses the progress display and writes the plain-line form of it.</summary>
internal static class ProgressDisplay
{
    /// <summary>How often a progress line is written when nothing else changes.</summary>
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(5);

    public static ProgressMode Choose(bool quiet, bool interactive, bool outputRedirected) =>
        quiet ? ProgressMode.None
        : interactive && !outputRedirected ? ProgressMode.LivePanel
        : ProgressMode.Lines;

    /// <summary>One line: elapsed, phase, attempts/requests, rate, p99 and the top outcomes.</summary>
    public static string Line(LiveStats stats, DrillOptions options) => Line(stats, options, stats.Phase);

    private static string Line(LiveStats stats, DrillOptions options, string phase)
    {
        var inv = CultureInfo.InvariantCulture;
        var elapsed = stats.FloodElapsed;
        var rate = elapsed.TotalSeconds > 0 ? stats.Completed / elapsed.TotalSeconds : 0;
        var p99 = stats.Latency.TotalCount > 0 ? LatencySummary.Ms(stats.Latency.GetValueAtPercentile(99)) : "–";
        var outcomes = string.Join(", ", stats.Outcomes().Take(4).Select(p => $"{p.Key} {p.Value.ToString(inv)}"));
        return string.Create(inv,
                   $"drill {options.Preset.ToString().ToLowerInvariant()} · {elapsed.TotalSeconds:0.0} s · {phase} · ") +
               string.Create(inv, $"{stats.Attempts} attempts / {stats.Completed} requests · {rate:0.0} req/s · p99 {p99}") +
               (outcomes.Length > 0 ? $" · {outcomes}" : "");
    }

    /// <summary>
    /// Writes a line for every phase (each one set, however short: <see cref="LiveStats.TakePhases"/>), and one every
    /// <paramref name="interval"/> without a change, until <paramref name="run"/> ends; the phases set by then are written
    /// too, so the last line is the run's end, as the summary says it.
    /// </summary>
    public static async Task<T> WriteLinesAsync<T>(TextWriter writer, LiveStats stats, DrillOptions options, Task<T> run,
        TimeSpan interval)
    {
        var last = Stopwatch.GetTimestamp();
        string? lastLine = null;
        var poll = TimeSpan.FromTicks(Math.Min(interval.Ticks, TimeSpan.FromMilliseconds(250).Ticks));
        while (true)
        {
            var ended = run.IsCompleted;
            var lines = stats.TakePhases().Select(phase => Line(stats, options, phase)).ToList();
            if (lines.Count == 0 && !ended && Stopwatch.GetElapsedTime(last) >= interval)
            {
                // The interval's line only when something moved: outside the flood (a 6 s Retry-After wait) the same
                // line came twice in a row (2026-12-07).
                var line = Line(stats, options);
                if (line == lastLine)
                {
                    last = Stopwatch.GetTimestamp();
                }
                else
                {
                    lines.Add(line);
                }
            }

            foreach (var line in lines)
            {
                await writer.WriteLineAsync(line);
                lastLine = line;
            }

            if (lines.Count > 0)
            {
                last = Stopwatch.GetTimestamp();
                await writer.FlushAsync();
            }

            if (ended)
            {
                return await run;
            }

            await Task.WhenAny(run, Task.Delay(poll, CancellationToken.None));
        }
    }
}
