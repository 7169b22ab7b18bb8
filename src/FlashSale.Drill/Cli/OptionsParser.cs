using System.Globalization;
using System.Text.RegularExpressions;

namespace FlashSale.Drill.Cli;

/// <summary>Turns <c>&lt;preset&gt; [--option value | --option=value | --flag]…</c> into <see cref="DrillOptions"/>.</summary>
internal static partial class OptionsParser
{
    public const string PasswordVariable = "FLASHSALE_ADMIN_PASSWORD";

    private static readonly HashSet<string> Flags = ["--no-keys", "--quiet", "--allow-remote"];

    // Seed asserts an exact outcome, so only knobs that keep it meaningful may change.
    private static readonly HashSet<string> SeedAllows =
    [
        "--url", "--admin-user", "--admin-password", "--users", "--stock", "--concurrency", "--out", "--quiet",
        "--allow-remote", "--timeout", "--deadline", "--seed", "--pending-wait",
        "--decision-ttl", "--stop-grace", "--max-p50", "--max-p99",
    ];

    public static ParseOutcome Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        if (args.Any(a => a is "--help" or "-h" or "help"))
        {
            return ParseOutcome.Help();
        }

        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            return ParseOutcome.Fail("Missing preset: expected one of seed, crowd, soak, custom (see --help).");
        }

        if (!Enum.TryParse<Preset>(args[0], ignoreCase: true, out var preset) || !Enum.IsDefined(preset) ||
            int.TryParse(args[0], out _))
        {
            return ParseOutcome.Fail($"Unknown preset '{args[0]}': expected one of seed, crowd, soak, custom.");
        }

        var options = PresetDefaults.For(preset) with { OutputDirectory = "drill-results" };
        var seen = new HashSet<string>();
        for (var i = 1; i < args.Count; i++)
        {
            var (name, inlineValue) = SplitArgument(args[i]);
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                return ParseOutcome.Fail($"Unexpected argument '{args[i]}'.");
            }

            if (!seen.Add(name))
            {
                return ParseOutcome.Fail($"{name} given twice.");
            }

            // An unknown option is unknown (with its "did you mean"), before any value is looked for: until 2026-12-07
            // "--quite --url …" was told "--quite needs a value, got the option --url", and "seed --bogus" last on the line
            // "--bogus needs a value".
            if (!OptionSetter.IsKnown(name))
            {
                return ParseOutcome.Fail(OptionSetter.Apply(ref options, name, null)!);
            }

            string? value = null;
            if (!Flags.Contains(name))
            {
                value = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                if (value is null)
                {
                    return ParseOutcome.Fail($"{name} needs a value.");
                }

                // "--out --quiet" is a forgotten value, not a folder named "--quiet" (and a run that is not quiet).
                if (inlineValue is null && value.StartsWith("--", StringComparison.Ordinal))
                {
                    return ParseOutcome.Fail($"{name} needs a value, got the option {value}. " +
                                             $"For a value that starts with --, write {name}={value}.");
                }
            }
            else if (inlineValue is not null)
            {
                return ParseOutcome.Fail($"{name} is a flag and takes no value.");
            }

            if (preset == Preset.Seed && !SeedAllows.Contains(name))
            {
                return ParseOutcome.Fail(
                    $"{name} cannot be changed for the seed preset (one attempt per buyer, quantity 1); use 'custom'.");
            }

            var error = OptionSetter.Apply(ref options, name, value);
            if (error is not null)
            {
                return ParseOutcome.Fail(error);
            }
        }

        if (options.AdminPassword is null && environment(PasswordVariable) is { Length: > 0 } password)
        {
            options = options with { AdminPassword = password };
        }

        if (preset == Preset.Seed)
        {
            // One attempt per buyer, all at once.
            options = options with { Requests = options.Users };
            if (!seen.Contains("--concurrency"))
            {
                options = options with { Concurrency = options.Users };
            }
        }
        else if (preset == Preset.Custom && seen.Contains("--duration") && !seen.Contains("--requests"))
        {
            options = options with { Requests = null };
        }

        var problems = OptionsValidator.Validate(options);
        return problems.Count == 0 ? ParseOutcome.Run(options)
            : ParseOutcome.Fail(string.Join(Environment.NewLine, problems.Select(p => WhereFrom(p, options, seen))));
    }

    /// <summary>
    /// A problem naming options the user did not type gets where their values came from: the preset's own
    /// (<c>crowd --duration 15s</c> trips over crowd's 10 s ramps) or derived (seed's --concurrency is --users).
    /// </summary>
    private static string WhereFrom(string problem, DrillOptions o, HashSet<string> typed)
    {
        var preset = o.Preset.ToString().ToLowerInvariant();
        var whose = o.Preset == Preset.Custom ? "the default" : $"the {preset} preset's";
        var notes = OptionMention().Matches(problem).Select(m => m.Value).Distinct(StringComparer.Ordinal)
            .Where(name => !typed.Contains(name))
            .Select(name => (name, o.Preset) switch
            {
                ("--concurrency" or "--requests", Preset.Seed) => $"the seed preset sets {name} to --users ({o.Users}); pass {name} to set it apart",
                _ => Value(name, o) is { } value ? $"{name} {value} is {whose}" : null,
            })
            .OfType<string>()
            .ToList();
        return notes.Count == 0 ? problem : $"{problem} ({string.Join("; ", notes)})";
    }

    private static string? Value(string name, DrillOptions o) => name switch
    {
        "--users" => o.Users.ToString(CultureInfo.InvariantCulture),
        "--concurrency" => o.Concurrency.ToString(CultureInfo.InvariantCulture),
        "--sales" => o.Sales.ToString(CultureInfo.InvariantCulture),
        "--stock" => o.Stock.ToString(CultureInfo.InvariantCulture),
        "--limit" => o.Limit.ToString(CultureInfo.InvariantCulture),
        "--retries" => o.Retries.ToString(CultureInfo.InvariantCulture),
        "--quantity" => o.QuantityMin == o.QuantityMax ? o.QuantityMin.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{o.QuantityMin}-{o.QuantityMax}"),
        "--requests" when o.Requests is { } requests => requests.ToString(CultureInfo.InvariantCulture),
        "--duration" when o.Duration is { } duration => DurationText.Format(duration),
        "--ramp-up" when o.RampUp > TimeSpan.Zero => DurationText.Format(o.RampUp),
        "--ramp-down" when o.RampDown > TimeSpan.Zero => DurationText.Format(o.RampDown),
        "--think" => $"{DurationText.Format(o.ThinkMin)}-{DurationText.Format(o.ThinkMax)}",
        _ => null,
    };

    [GeneratedRegex("--[a-z][a-z-]*[a-z]")]
    private static partial Regex OptionMention();

    internal static bool TryParseInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static (string Name, string? Value) SplitArgument(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }
}
