using System.Security.Claims;
using FlashSale.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Security;

/// <summary>
/// The "signed in" shortcut must give, for every policy and caller, the answer of the framework's own
/// evaluator (G8), and must stand aside when anything else could take part in a decision.
/// </summary>
public sealed class SignedInPolicyEvaluatorTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var policy in new[] { "signed-in", "admin", "signed-in-with-scheme", "role-only" })
        {
            foreach (var caller in new[] { "anonymous", "buyer", "admin", "unauthenticated-identity", "two-identities" })
            {
                data.Add(policy, caller);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GivesTheFrameworksAnswer_ForEveryPolicyAndCaller(string policyName, string caller)
    {
        var services = ServerServices();
        var ours = services.GetRequiredService<IPolicyEvaluator>();
        var framework = new PolicyEvaluator(services.GetRequiredService<IAuthorizationService>());
        var policy = await Policy(services, policyName);

        var expected = await Evaluate(framework, policy, caller);
        var actual = await Evaluate(ours, policy, caller);

        Assert.IsType<SignedInPolicyEvaluator>(ours);
        Assert.True(((SignedInPolicyEvaluator)ours).ShortcutEnabled);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task AnotherAuthorizationHandler_TurnsTheShortcutOff_AndIsHeard()
    {
        var services = ServerServices(s => s.AddSingleton<IAuthorizationHandler, RefuseEveryone>());
        var ours = (SignedInPolicyEvaluator)services.GetRequiredService<IPolicyEvaluator>();
        var policy = await Policy(services, "signed-in");

        Assert.False(ours.ShortcutEnabled);
        Assert.Equal("forbid", await Evaluate(ours, policy, "buyer"));
    }

    private static IServiceProvider ServerServices(Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddFlashSaleAuth(new ConfigurationBuilder().Build());
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static async Task<AuthorizationPolicy> Policy(IServiceProvider services, string name) => name switch
    {
        "signed-in" => await services.GetRequiredService<IAuthorizationPolicyProvider>().GetDefaultPolicyAsync(),
        "admin" => (await services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(AuthSetup.AdminPolicy))!,
        "signed-in-with-scheme" => new AuthorizationPolicyBuilder("Other").RequireAuthenticatedUser().Build(),
        "role-only" => new AuthorizationPolicyBuilder().RequireRole(Roles.Buyer).Build(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static async Task<string> Evaluate(IPolicyEvaluator evaluator, AuthorizationPolicy policy, string caller)
    {
        var context = new DefaultHttpContext { User = User(caller) };
        var authenticated = context.User.Identity?.IsAuthenticated == true
            ? AuthenticateResult.Success(new AuthenticationTicket(context.User, "test"))
            : AuthenticateResult.NoResult();
        var result = await evaluator.AuthorizeAsync(policy, authenticated, context, context);
        return result.Succeeded ? "allow" : result.Challenged ? "challenge" : result.Forbidden ? "forbid" : "other";
    }

    private static ClaimsPrincipal User(string caller) => caller switch
    {
        "anonymous" => new ClaimsPrincipal(new ClaimsIdentity()),
        "buyer" => Signed(Roles.Buyer),
        "admin" => Signed(Roles.Admin),
        "unauthenticated-identity" => new ClaimsPrincipal(new ClaimsIdentity([new Claim(AppClaims.Subject, "u1"), new Claim(AppClaims.Role, Roles.Admin)]))
        ,
        "two-identities" => new ClaimsPrincipal([new ClaimsIdentity(), (ClaimsIdentity)Signed(Roles.Buyer).Identity!]),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    private static ClaimsPrincipal Signed(string role) => new(new ClaimsIdentity(
        [new Claim(AppClaims.Subject, "u1"), new Claim(AppClaims.Role, role)], "Bearer", AppClaims.Name, AppClaims.Role));

    private sealed class RefuseEveryone : IAuthorizationHandler
    {
        public Task HandleAsync(AuthorizationHandlerContext context)
        {
            context.Fail();
            return Task.CompletedTask;
        }
    }
}
