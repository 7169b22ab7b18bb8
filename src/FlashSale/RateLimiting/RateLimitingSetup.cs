using FlashSale.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlashSale.RateLimiting;

public static class RateLimitingSetup
{
    /// <summary>
    /// The rules and the process-local limiter. A distributed deployment replaces the limiter with
    /// <c>AddRedisRateLimiter</c> (before or after this call; this one only fills the gap).
    /// </summary>
    public static IServiceCollection AddFlashSaleRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section)
            // The binder skips a dictionary entry it cannot convert without a word: a rule with a bad value
            // (RateLimiting__Rules__per-ip__Window=abc) was left out, and the server ran without that limit. Each rule
            // is bound again on its own, where a bad value stops the start naming the setting.
            .Configure<IConfiguration>((o, configuration) =>
            {
                var defaults = DefaultRules();
                foreach (var section in configuration.GetSection($"{RateLimitingOptions.Section}:{nameof(RateLimitingOptions.Rules)}").GetChildren())
                {
                    // A default rule's settings over its defaults (RateLimiting__Rules__per-ip__PermitLimit alone keeps
                    // per-ip's window and scope), any other over a fresh rule; never into the one already bound, which
                    // would append its Endpoints a second time. Endpoints set replace the default's, as they would append.
                    var rule = defaults.GetValueOrDefault(section.Key) ?? new RateLimitRuleOptions();
                    if (section.GetSection(nameof(RateLimitRuleOptions.Endpoints)).Exists())
                    {
                        rule.Endpoints = [];
                    }

                    section.Bind(rule);
                    o.Rules[section.Key] = rule;
                }
            })
            .PostConfigure(o =>
            {
                // Every default rule the configuration does not name, whatever else it names: until 2026-12-07 they were
                // added only when it named none, so one rule set without appsettings.json (an environment variable)
                // left the server without the others, the sign-in throttle among them. A rule is turned off by its
                // Enabled: false, not by leaving it out.
                foreach (var (name, rule) in DefaultRules())
                {
                    o.Rules.TryAdd(name, rule);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitingOptions>, RulesValidation>();
        services.TryAddSingleton<IRateLimiter, LocalRateLimiter>();
        return services;
    }

    /// <summary>After UseAuthentication, before UseAuthorization.</summary>
    public static IApplicationBuilder UseFlashSaleRateLimiting(this IApplicationBuilder app) =>
        app.UseMiddleware<RateLimitMiddleware>();

    /// <summary>
    /// Every one applies unless configuration turns it off (Enabled: false) or changes it; appsettings.json spells out the
    /// same rules.
    /// Per IP generous (one office or mobile NAT is many honest buyers), sign-in tighter (password
    /// hashing is the costliest thing an anonymous caller can ask for), purchases per user tight
    /// enough to stop a bot hammering with one account yet far above a person's clicks and retries.
    /// Failed sign-ins per account: ten in five minutes, whatever the addresses (a botnet spreading guesses under
    /// every per-IP rule gets ten per account, not sixty per address a minute).
    /// </summary>
    public static Dictionary<string, RateLimitRuleOptions> DefaultRules() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["per-ip"] = new() { Scope = RateLimitScope.Ip, PermitLimit = 1200, Window = TimeSpan.FromMinutes(1) },
        ["auth-per-ip"] = new()
        {
            Scope = RateLimitScope.Ip, Endpoints = ["IssueToken", "Register"], PermitLimit = 60, Window = TimeSpan.FromMinutes(1),
        },
        // Accounts cost nothing else to make (no e-mail to confirm here): without this, one address made 3,600 buyers an
        // hour within auth-per-ip, ready days ahead to take a sale's stock one per-user limit at a time (an audit,
        // 2026-12-07). Thirty attempts an hour (refused ones count too, as every rule counts requests) still lets a
        // household, an office or a small NAT sign up for a drop.
        ["register-per-ip"] = new()
        {
            Scope = RateLimitScope.Ip, Endpoints = ["Register"], PermitLimit = 30, Window = TimeSpan.FromHours(1),
        },
        ["purchase-per-user"] = new()
        {
            Scope = RateLimitScope.User, Endpoints = ["Purchase"], PermitLimit = 30, Window = TimeSpan.FromMinutes(1),
        },
        [SignInThrottleRule] = new() { Scope = RateLimitScope.Account, PermitLimit = 10, Window = TimeSpan.FromMinutes(5) },
    };

    /// <summary>The default rule of sign-ins per account (any rule with <see cref="RateLimitScope.Account"/> counts them).</summary>
    public const string SignInThrottleRule = "sign-in-per-account";

    /// <summary>Data annotations do not reach into dictionary values; rule names become storage keys.</summary>
    private sealed class RulesValidation : IValidateOptions<RateLimitingOptions>
    {
        public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
        {
            var failures = new List<string>();
            foreach (var (ruleName, rule) in options.Rules)
            {
                if (ruleName.Length is 0 or > 40 || !ruleName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    failures.Add($"RateLimiting:Rules:{ruleName}: the name must be 1–40 of [A-Za-z0-9_-].");
                }

                failures.AddRange(SettingsValidation.Check(rule, $"{RateLimitingOptions.Section}:Rules:{ruleName}"));
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
