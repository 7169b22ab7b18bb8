namespace FlashSale.Drill.Cli;

/// <summary>Applies one <c>--name value</c> to the options; returns an error message or null.</summary>
internal static class OptionSetter
{
    private static readonly HashSet<string> Known =
    [
        "--url", "--allow-remote", "--admin-user", "--admin-password", "--sale", "--sales", "--users",
        "--concurrency", "--requests", "--duration", "--ramp-up", "--ramp-down", "--think", "--stock", "--limit",
        "--quantity", "--retries", "--no-keys", "--seed", "--timeout", "--pending-wait", "--deadline", "--out",
        "--quiet", "--decision-ttl",
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
                : Fail(o, $"--url '{v}' is not an absolute http(s) URL.", out error),
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
            "--deadline" => Time(name, v, out error) is { } t ? o with { Deadline = t } : o,
            "--decision-ttl" => Time(name, v, out error) is { } t ? o with { DecisionTtl = t } : o,
            "--quantity" => Range(name, v, out error) is var (lo, hi) && error is null
                ? o with { QuantityMin = lo, QuantityMax = hi }
                : o,
            "--think" => ThinkRange(name, v, out error) is var (a, b) && error is null
                ? o with { ThinkMin = a, ThinkMax = b }
                : o,
            "--no-keys" => o with { NoKeys = true },
            "--out" => o with { OutputDirectory = v },
            "--quiet" => o with { Quiet = true },
            _ => Fail(o, $"Unknown option {name} (see --help).", out error),
        };
        return error;
    }

    private static DrillOptions Fail(DrillOptions o, string message, out string error)
    {
        error = message;
        return o;
    }

    private static int? Int(string name, string text, out string? error)
    {
        error = OptionsParser.TryParseInt(text, out var n) ? null : $"{name} expects a whole number, got '{text}'.";
        return error is null ? n : null;
    }

    private static TimeSpan? Time(string name, string text, out string? error)
    {
        error = DurationText.TryParse(text, out var t)
            ? null
            : $"{name} expects a duration such as 500ms, 30s, 2m; got '{text}'.";
        return error is null ? t : null;
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
