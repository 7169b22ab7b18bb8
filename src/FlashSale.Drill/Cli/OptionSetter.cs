using System.Globalization;

namespace FlashSale.Drill.Cli;

/// <summary>Applies one <c>--name value</c> to the options; returns an error message or null.</summary>
internal static class OptionSetter
{
    private static readonly HashSet<string> Known =
    [
        "--url", "--allow-remote", "--admin-user", "--admin-password", "--sale", "--sales", "--users",
        "--concurrency", "--requests", "--duration", "--ramp-up", "--ramp-down", "--think", "--stock", "--limit",
        "--quantity", "--retries", "--no-keys", "--seed", "--timeout", "--pending-wait", "--deadline", "--out",
        "--quiet", "--decision-ttl", "--stop-grace", "--max-p50", "--max-p99",
    ];

    public static bool IsKnown(string name) => Known.Contains(name);

    public static string? Apply(ref DrillOptions o, string name, string? value)
    {
        var v = value ?? "";
        string? error = null;
        o = name switch
        {
            "--url" => Uri.TryCreate(v, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                ? o with { Url = url }
                : PortOutOfRange(v) is { } port
                    ? Fail(o, $"--url '{v}': port {port} is out of range (1-65535).", out error)
                    : Fail(o, $"--url '{v}' is not an absolute http(s) URL" +
                              // "localhost:5000" parses as a URL of scheme "localhost": the scheme was left out.
                              (v.Contains("://", StringComparison.Ordinal) || v.Length == 0 ? "." : $"; did you mean http://{v}?"), out error),
            "--allow-remote" => o with { AllowRemote = true },
            "--admin-user" => o with { AdminUser = v },
            "--admin-password" => o with { AdminPassword = v },
            "--sale" => o with { SaleId = v },
            "--sales" => Int(name, v, out error) is { } n ? o with { Sales = n } : o,
            "--users" => Int(name, v, out error) is { } n ? o with { Users = n } : o,
            "--concurrency" => Int(name, v, out error) is { } n ? o with { Concurrency = n } : o,
            "--requests" => Int(name, v, out error) is { } n ? o with { Requests = n } : o,
            "--stock" => Int(name, v, out error) is { } n ? o with { Stock = n } : o,
            "--limit" => Int(name, v, out error) is { } n ? o with { Limit = n } : o,
            "--retries" => Int(name, v, out error) is { } n ? o with { Retries = n } : o,
            "--seed" => Int(name, v, out error) is { } n ? o with { Seed = n } : o,
            "--duration" => Time(name, v, out error) is { } t ? o with { Duration = t } : o,
            "--ramp-up" => Time(name, v, out error) is { } t ? o with { RampUp = t } : o,
            "--ramp-down" => Time(name, v, out error) is { } t ? o with { RampDown = t } : o,
            "--timeout" => Time(name, v, out error) is { } t ? o with { RequestTimeout = t } : o,
            "--pending-wait" => Time(name, v, out error) is { } t ? o with { PendingWait = t } : o,
            "--stop-grace" => Time(name, v, out error) is { } t ? o with { StopGrace = t } : o,
            "--deadline" => Time(name, v, out error) is { } t ? o with { Deadline = t } : o,
            "--decision-ttl" => Time(name, v, out error) is { } t ? o with { DecisionTtl = t } : o,
            "--max-p50" => Objective(name, v, out error) is { } t ? o with { MaxP50 = t } : o,
            "--max-p99" => Objective(name, v, out error) is { } t ? o with { MaxP99 = t } : o,
            "--quantity" => Range(name, v, out error) is var (lo, hi) && error is null
                ? o with { QuantityMin = lo, QuantityMax = hi }
                : o,
            "--think" => ThinkRange(name, v, out error) is var (a, b) && error is null
                ? o with { ThinkMin = a, ThinkMax = b }
                : o,
            "--no-keys" => o with { NoKeys = true },
            "--out" => o with { OutputDirectory = v },
            "--quiet" => o with { Quiet = true },
            _ => Fail(o, $"Unknown option {name}{(Nearest(name) is { } near ? $"; did you mean {near}?" : ".")} (see --help)", out error),
        };
        return error;
    }

    /// <summary>
    /// The port of a URL that did not parse, when that is why: .NET refuses a port above 65535 as it refuses a URL without
    /// a scheme, and until 2026-12-07 "http://127.0.0.1:99999" was told it was "not an absolute http(s) URL".
    /// </summary>
    private static string? PortOutOfRange(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return null;
        }

        var authority = url[(scheme + 3)..];
        var end = authority.IndexOfAny(['/', '?', '#']);
        authority = end < 0 ? authority : authority[..end];
        var colon = authority.LastIndexOf(':');
        // An IPv6 host's colons are inside its brackets; only one after the closing bracket starts a port.
        if (colon < 0 || colon < authority.LastIndexOf(']'))
        {
            return null;
        }

        var port = authority[(colon + 1)..];
        return port.Length > 0 && port.All(char.IsAsciiDigit) &&
               (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 65535)
            ? port
            : null;
    }

    private static DrillOptions Fail(DrillOptions o, string message, out string error)
    {
        error = message;
        return o;
    }

    /// <summary>The known option a typo most likely meant (--user, --concurency, --timout): at most two edits away.</summary>
    private static string? Nearest(string name) => Known
        .Select(known => (known, distance: EditDistance(name, known)))
        .Where(p => p.distance <= 2)
        .OrderBy(p => p.distance).ThenBy(p => p.known, StringComparer.Ordinal)
        .Select(p => p.known)
        .FirstOrDefault();

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    private static int? Int(string name, string text, out string? error)
    {
        error = OptionsParser.TryParseInt(text, out var n) ? null : $"{name} expects a whole number, got '{text}'.";
        return error is null ? n : null;
    }

    private static TimeSpan? Time(string name, string text, out string? error)
    {
        error = !DurationText.TryParse(text, out var t) ? $"{name} expects a duration such as 500ms, 30s, 2m; got '{text}'."
            // Past every option's range, and far enough below TimeSpan's end that the checks' sums cannot overflow.
            : t > LongestTime ? $"{name} '{text}' is too long: no drill time exceeds 720h."
            : null;
        return error is null ? t : null;
    }

    private static readonly TimeSpan LongestTime = TimeSpan.FromDays(30);

    /// <summary>
    /// A latency objective, with its unit: a bare number is seconds in the other time options, and "--max-p99 50" read as
    /// 50 s (refused as longer than --timeout without saying why; "--max-p99 5" taken as 5 s).
    /// </summary>
    private static TimeSpan? Objective(string name, string text, out string? error)
    {
        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            error = $"{name} '{text}' needs a unit: {text.Trim()}ms, or {text.Trim()}s if seconds are meant.";
            return null;
        }

        return Time(name, text, out error);
    }

    private static (int, int) Range(string name, string text, out string? error)
    {
        var parts = text.Split('-');
        if (parts.Length is 1 or 2 && OptionsParser.TryParseInt(parts[0], out var lo) &&
            OptionsParser.TryParseInt(parts[^1], out var hi))
        {
            error = lo <= hi ? null : $"{name} range '{text}' is reversed.";
            return (lo, hi);
        }

        error = $"{name} expects a number or a range such as 1-3, got '{text}'.";
        return (0, 0);
    }

    private static (TimeSpan, TimeSpan) ThinkRange(string name, string text, out string? error)
    {
        var parts = text.Split('-');
        if (parts.Length is 1 or 2 && DurationText.TryParse(parts[0], out var lo) &&
            DurationText.TryParse(parts[^1], out var hi))
        {
            error = lo <= hi ? null : $"{name} range '{text}' is reversed.";
            return (lo, hi);
        }

        error = $"{name} expects a duration or a range such as 500ms-1500ms, got '{text}'.";
        return (TimeSpan.Zero, TimeSpan.Zero);
    }
}
