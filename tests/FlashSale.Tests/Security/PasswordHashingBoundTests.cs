using System.Net;
using FlashSale.Accounts;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Security;

/// <summary>
/// Password hashing takes one of <c>Auth:PasswordHashing:MaxConcurrency</c> turns, waits at most <c>MaxWait</c> behind
/// at most <c>MaxQueue</c> others, else 503 with Retry-After. Until 2026-12-06 it was unbounded on the request threads:
/// four addresses sending wrong passwords, each within its rate limit, took an honest stock read from ~1 ms to 1.66 s.
/// </summary>
public sealed class PasswordHashingBoundTests() : AdminAppTest(new TestApp(settings: new Dictionary<string, string?>
{
    ["Auth:PasswordHashing:MaxConcurrency"] = "1",
    ["Auth:PasswordHashing:MaxQueue"] = "2",
    ["Auth:PasswordHashing:MaxWait"] = "00:00:00.200",
}))
{
    [Fact]
    public async Task WhileEveryTurnIsTaken_SignInsAre503_AndPurchasesAndReadsStillAnswer()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        var hashing = App.Services.GetRequiredService<PasswordHashing>();
        var computed = hashing.Computed;

        await using (await hashing.HoldAsync())
        {
            // Two wait their 200 ms in the queue, four find it full: none is hashed, all are 503.
            var signIns = Enumerable.Range(0, 6).Select(i => Admin.Anonymous()
                .PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = "wrong-guess-" + i })).ToList();
            using var register = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts",
                new { username = "new-" + Guid.NewGuid().ToString("N")[..8], password = "buyer-password-1" });
            using var stock = await Admin.Anonymous().GetAsync($"/api/v1/sales/{saleId}/stock");
            using var purchase = await buyer.PurchaseAsync(saleId, key: Guid.NewGuid().ToString("N"));
            await Api.EnsureAsync(stock, HttpStatusCode.OK);
            await Api.EnsureAsync(purchase, HttpStatusCode.Created);

            foreach (var response in (await Task.WhenAll(signIns)).Append(register))
            {
                using (response)
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Assert.Equal("unavailable", await Api.ReasonAsync(response));
                    Assert.InRange(response.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
                }
            }

            Assert.Equal(computed, hashing.Computed);
        }

        // Turns free again: the admin signs in as ever (the refused guesses were never counted as failures).
        Assert.NotNull(await Admin.Anonymous().TokenAsync("admin", TestApp.AdminPassword));
        Assert.Equal(0, hashing.InUse);
    }

    [Fact]
    public async Task AFloodOfWrongPasswords_OneTurn_AnswersOnly401Or503()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var flood = Enumerable.Range(0, 24).Select(async i =>
        {
            // Distinct (unknown) usernames: one failure each, under the account throttle; each costs a (decoy) check.
            using var response = await Admin.Anonymous().PostAsJsonAsync("/api/v1/auth/token",
                new { username = $"guess-{suffix}-{i}", password = "wrong-guess-1" });
            var retryAfter = response.Headers.RetryAfter?.Delta;
            return (response.StatusCode, Reason: await Api.ReasonAsync(response), retryAfter);
        }).ToList();
        using var stock = await Admin.Anonymous().GetAsync($"/api/v1/sales/{saleId}/stock");
        var results = await Task.WhenAll(flood);

        await Api.EnsureAsync(stock, HttpStatusCode.OK);
        Assert.All(results, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.ServiceUnavailable }));
        var busy = results.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, r => Assert.Equal(("unavailable", true), (r.Reason, r.retryAfter is not null)));
    }

    [Fact]
    public async Task RegisteringATakenName_HashesNothing()
    {
        var hashing = App.Services.GetRequiredService<PasswordHashing>();
        var username = "taken-" + Guid.NewGuid().ToString("N")[..8];
        var before = hashing.Computed;
        using (var created = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = "buyer-password-1" }))
        {
            await Api.EnsureAsync(created, HttpStatusCode.Created);
        }

        Assert.Equal(before + 1, hashing.Computed);
        using var taken = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts",
            new { username = username.ToUpperInvariant(), password = "another-password-1" });

        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal("username_taken", await Api.ReasonAsync(taken));
        Assert.Equal(before + 1, hashing.Computed);
    }
}
