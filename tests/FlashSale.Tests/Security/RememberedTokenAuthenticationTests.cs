using System.Security.Claims;
using FlashSale.Accounts;
using FlashSale.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Security;

/// <summary>
/// The remembered-token shortcut of the authentication middleware must leave every request exactly as the
/// framework's AuthenticationMiddleware leaves it (G8: the user is who the token says, nobody else), and must
/// stand aside when anything else could take part in authentication.
/// </summary>
public sealed class RememberedTokenAuthenticationTests
{
    [Fact]
    public async Task ARememberedToken_IsSignedIn_ExactlyAsTheFrameworkSignsItIn()
    {
        var services = Services();
        var token = Token(services, out var alice);
        var ours = Ours(services, out var seen);

        // Not remembered yet: the framework validates it in full (and remembers it).
        var firstSeen = await Run(ours, seen, services, "Bearer " + token);
        Assert.Null(ours.ShortcutEnabled);
        var framework = await Run(Framework(services, out var frameworkSeen), frameworkSeen, services, "Bearer " + token);
        var shortcut = await Run(ours, seen, services, "Bearer " + token);

        Assert.True(ours.ShortcutEnabled);
        Assert.Equal(framework, shortcut);
        Assert.Equal(framework, firstSeen);
        Assert.True(shortcut.Authenticated);
        Assert.Contains($"sub={alice.Id:D}", shortcut.Claims, StringComparison.Ordinal);
        Assert.Equal(JwtBearerDefaults.AuthenticationScheme, shortcut.Scheme);
        Assert.NotNull(shortcut.ExpiresUtc);
    }

    [Theory]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData(null)]
    public async Task OtherRequests_GoToTheFramework_AndEndTheSame(string? authorization)
    {
        var services = Services();
        var token = Token(services, out _);
        var ours = Ours(services, out var seen);
        await Run(ours, seen, services, "Bearer " + token);
        await Run(ours, seen, services, "Bearer " + token);

        var framework = await Run(Framework(services, out var frameworkSeen), frameworkSeen, services, authorization);
        var actual = await Run(ours, seen, services, authorization);

        Assert.Equal(framework, actual);
        Assert.False(actual.Authenticated);
    }

    [Fact]
    public async Task AClaimsTransformation_TurnsTheShortcutOff_AndIsApplied()
    {
        var services = Services(s => s.AddSingleton<IClaimsTransformation, AddsAClaim>());
        var token = Token(services, out _);
        var ours = Ours(services, out var seen);

        await Run(ours, seen, services, "Bearer " + token);
        var second = await Run(ours, seen, services, "Bearer " + token);

        Assert.False(ours.ShortcutEnabled);
        Assert.Contains("transformed=yes", second.Claims, StringComparison.Ordinal);
    }

    private static IServiceProvider Services(Action<IServiceCollection>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64)),
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddSingleton(TimeProvider.System);
        services.AddFlashSaleAuth(configuration);
        services.AddSingleton<IAccountStore, InMemoryAccountStore>();
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>A token of a buyer account the services' account store holds.</summary>
    private static string Token(IServiceProvider services, out Account account)
    {
        account = ((InMemoryAccountStore)services.GetRequiredService<IAccountStore>()).Add();
        return services.GetRequiredService<TokenIssuer>().Issue(account).AccessToken;
    }

    private static RememberedTokenAuthentication Ours(IServiceProvider services, out Seen seen)
    {
        seen = new Seen();
        var capture = seen;
        return new RememberedTokenAuthentication(context => capture.Take(context), services.GetRequiredService<IAuthenticationSchemeProvider>(),
            services.GetRequiredService<CachingTokenHandler>(), services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>(),
            services.GetRequiredService<IClaimsTransformation>());
    }

    private static AuthenticationMiddleware Framework(IServiceProvider services, out Seen seen)
    {
        seen = new Seen();
        var capture = seen;
        return new AuthenticationMiddleware(context => capture.Take(context), services.GetRequiredService<IAuthenticationSchemeProvider>());
    }

    private static async Task<Outcome> Run(object middleware, Seen seen, IServiceProvider services, string? authorization)
    {
        await using var scope = services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Path = "/api/v1/sales/0198a000-0000-7000-8000-000000000000/purchases";
        context.Request.PathBase = "/shop";
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        await (middleware switch
        {
            RememberedTokenAuthentication ours => ours.Invoke(context),
            AuthenticationMiddleware framework => framework.Invoke(context),
            _ => throw new ArgumentException("not a middleware", nameof(middleware)),
        });
        return seen.Last ?? throw new InvalidOperationException("the next middleware was not called");
    }

    /// <summary>What the rest of the pipeline can see of the authentication, as plain values.</summary>
    private sealed record Outcome(bool Authenticated, string? AuthenticationType, string Claims, int Identities, string? Scheme,
        DateTimeOffset? IssuedUtc, DateTimeOffset? ExpiresUtc, string? OriginalPath, string? OriginalPathBase, bool FeatureUserIsUser);

    private sealed class Seen
    {
        public Outcome? Last { get; private set; }

        public Task Take(HttpContext context)
        {
            var result = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult;
            var original = context.Features.Get<IAuthenticationFeature>();
            Last = new Outcome(
                context.User.Identity?.IsAuthenticated == true,
                context.User.Identity?.AuthenticationType,
                string.Join(";", context.User.Claims.Select(c => $"{c.Type}={c.Value}")),
                context.User.Identities.Count(),
                result?.Ticket?.AuthenticationScheme,
                result?.Properties?.IssuedUtc,
                result?.Properties?.ExpiresUtc,
                original?.OriginalPath.Value,
                original?.OriginalPathBase.Value,
                ReferenceEquals(context.Features.Get<IHttpAuthenticationFeature>()?.User, context.User));
            return Task.CompletedTask;
        }
    }

    private sealed class AddsAClaim : IClaimsTransformation
    {
        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            var copy = new ClaimsPrincipal(principal.Identities.Select(i => i.Clone()));
            ((ClaimsIdentity)copy.Identity!).AddClaim(new Claim("transformed", "yes"));
            return Task.FromResult(copy);
        }
    }
}
