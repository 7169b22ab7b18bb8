using FlashSale.Operations;
using System.Globalization;
using FlashSale.Accounts;
using FlashSale.Common;
using Microsoft.Extensions.Options;

namespace FlashSale.RateLimiting;

/// <summary>
/// Runs after authentication (a per-user rule needs the user) and before authorization, so an
/// anonymous flood is counted per IP before it costs a 401. Every configured rule that applies
/// counts the request, in order; the first that refuses answers 429 with Retry-After (all of them in
/// one call to the limiter: one round trip when the counts are in Redis).
/// </summary>
public sealed partial class RateLimitMiddleware(RequestDelegate next, IRateLimiter limiter,
    IOptions<RateLimitingOptions> options, FlashSaleMetrics metrics, ILogger<RateLimitMiddleware> logger)
{
    private const string UnavailableDetail = "Rate limiting is unavailable; nothing was changed. Try again shortly.";
    private readonly CompiledRule[] _rules = Compile(options.Value);
    private readonly string[] _exempt = options.Value.ExemptPaths;

    /// <remarks>
    /// Not an async method: a request that passes goes on through <c>next(context)</c> itself, so when
    /// the endpoint waits (a purchase waits for its commit) this layer keeps no state machine of its own.
    /// </remarks>
    public Task InvokeAsync(HttpContext context)
    {
        if (_rules.Length == 0 || IsExempt(context.Request.Path))
        {
            return next(context);
        }

        var checks = ChecksFor(context);
        if (checks.Count == 0)
        {
            return next(context);
        }

        // All of the request's rules at once: one round trip to a shared store.
        ValueTask<(int Refused, RateLimitDecision Decision)> acquired;
        try
        {
            acquired = limiter.AcquireAllAsync(checks, context.RequestAborted);
        }
        catch (Exception ex)
        {
            // A limiter that fails before it returns is answered like one that fails later (503 below).
            acquired = ValueTask.FromException<(int, RateLimitDecision)>(ex);
        }

        if (!acquired.IsCompletedSuccessfully)
        {
            return AcquireThenInvokeAsync(context, checks, acquired);
        }

        var (refused, decision) = acquired.Result;
        return Decided(context, checks, refused, decision);
    }

    /// <summary>On to the endpoint, or the 429 of the rule that refused.</summary>
    private Task Decided(HttpContext context, List<RateLimitCheck> checks, int refused, RateLimitDecision decision) =>
        refused < 0 ? next(context) : RefuseAsync(context, checks[refused].Rule, decision);

    private List<RateLimitCheck> ChecksFor(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        var endpointName = metadata?.GetMetadata<RateLimitName>()?.Name ?? metadata?.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        var checks = new List<RateLimitCheck>(_rules.Length);
        foreach (var rule in _rules)
        {
            if (rule.Endpoints.Count > 0 && (endpointName is null || !rule.Endpoints.Contains(endpointName)))
            {
                continue;
            }

            var subject = rule.Scope switch
            {
                RateLimitScope.User => context.User.Identity?.IsAuthenticated == true ? "u:" + context.User.UserId() : null,
                _ => ClientAddress.Subject(context),
            };
            if (subject is not null)
            {
                checks.Add(new RateLimitCheck(rule.Rule, subject));
            }
        }

        return checks;
    }

    /// <summary>The limiter had to wait (a shared store) or failed.</summary>
    private async Task AcquireThenInvokeAsync(HttpContext context, List<RateLimitCheck> checks,
        ValueTask<(int Refused, RateLimitDecision Decision)> acquired)
    {
        int refused;
        RateLimitDecision decision;
        try
        {
            (refused, decision) = await acquired;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (RateLimitStoreUnavailableException)
        {
            // The store is failing or stalled (the limiter logged it once, not per request): fail closed, at once.
            await UnavailableAsync(context);
            return;
        }
        catch (Exception ex)
        {
            // Fail closed (G7): without the counter there is no limit, and the limit is what protects the rest.
            LogLimiterFailed(logger, ex, string.Join(", ", checks.Select(c => c.Rule.Name)));
            await UnavailableAsync(context);
            return;
        }

        await Decided(context, checks, refused, decision);
    }

    private async Task RefuseAsync(HttpContext context, RateLimitRule rule, RateLimitDecision decision)
    {
        var seconds = (int)Math.Clamp(Math.Ceiling(decision.RetryAfter.TotalSeconds), 1, int.MaxValue);
        LogRefused(logger, rule.Name, seconds);
        metrics.RateLimited(rule.Name);
        if (await RedirectedFormAsync(context, Reasons.RateLimited, seconds))
        {
            return;
        }

        await ApiProblem.RateLimited(context, rule.Name, seconds, "Too many requests.",
            string.Create(CultureInfo.InvariantCulture,
                $"At most {rule.PermitLimit} requests per {rule.Window} ('{rule.Name}'). Retry after {seconds} s.")).ExecuteAsync(context);
    }

    /// <summary>Fail closed: 503, nothing changed; a page's form goes back to its page with the message instead.</summary>
    private static async Task UnavailableAsync(HttpContext context)
    {
        if (!await RedirectedFormAsync(context, Reasons.Unavailable, 1))
        {
            await ApiProblem.Unavailable(context, UnavailableDetail).ExecuteAsync(context);
        }
    }

    /// <summary>A page's form: redirected to its page with its message, still saying when to retry (RateLimitRedirect).</summary>
    private static async Task<bool> RedirectedFormAsync(HttpContext context, string reason, int retryAfterSeconds)
    {
        if (!context.Request.HasFormContentType || context.GetEndpoint()?.Metadata.GetMetadata<RateLimitRedirect>() is not { } redirect)
        {
            return false;
        }

        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await TypedResults.LocalRedirect(redirect.Location(context, reason)).ExecuteAsync(context);
        return true;
    }

    private bool IsExempt(PathString path)
    {
        foreach (var prefix in _exempt)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static CompiledRule[] Compile(RateLimitingOptions options) => !options.Enabled ? [] :
        // Account rules count failed sign-ins per username, not requests per client: the sign-in itself applies them (SignInThrottle).
        options.Rules.Where(r => r.Value.Enabled && r.Value.Scope != RateLimitScope.Account)
            .OrderBy(r => r.Value.Scope == RateLimitScope.Ip ? 0 : 1).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new CompiledRule(new RateLimitRule(r.Key, r.Value.PermitLimit, r.Value.Window), r.Value.Scope,
                r.Value.Endpoints.ToHashSet(StringComparer.Ordinal)))
            .ToArray();

    private sealed record CompiledRule(RateLimitRule Rule, RateLimitScope Scope, HashSet<string> Endpoints);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Rate limit '{Rule}' refused a request; retry after {Seconds} s")]
    private static partial void LogRefused(ILogger logger, string rule, int seconds);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Rate limiter failed on rules {Rule}; answering 503")]
    private static partial void LogLimiterFailed(ILogger logger, Exception exception, string rule);
}
