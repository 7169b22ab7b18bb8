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
                foreach (var section in configuration.GetSection($"{RateLimitingOptions.Section}:{nameof(RateLimitingOptions.Rules)}").GetChildren())
                {
                    // A fresh rule: binding into the one already bound would append its Endpoints a second time.
                    var rule = new RateLimitRuleOptions();
                    section.Bind(rule);
                    o.Rules[section.Key] = rule;
                }
            })
            .PostConfigure(o =>
            {
                if (o.Rules.Count == 0)
                {
                    foreach (var (name, rule) in DefaultRules())
                    {
                        o.Rules[name] = rule;
                    }
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
    /// Used when configuration names no rule at all; appsettings.json spells out the same rules.
    /// Per IP generous (one office or mobile NAT is many honest buyers), sign-in tighter (password
    /// hashing is the costliest thing an anonymous caller can ask for), purchases per user tight
    /// enough to stop a bot hammering with one account yet far above a person's clicks and retries.
    /// Failed sign-ins per account: ten in five minutes, whatever the addresses (a botnet spreading guesses under
    /// every per-IP rule gets ten per account, not sixty per address a minute).
    /// </summary>
    public static Dictionary<string, RateLimitRuleOptions> DefaultRules() => new(StringComparer.Ordinal)
    {
        ["per-ip"] = new() { Scope = RateLimitScope.Ip, PermitLimit = 1200, Window = TimeSpan.FromMinutes(1) },
        ["auth-per-ip"] = new()
        {
            Scope = RateLimitScope.Ip, Endpoints = ["IssueToken", "Register"], PermitLimit = 60, Window = TimeSpan.FromMinutes(1),
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
