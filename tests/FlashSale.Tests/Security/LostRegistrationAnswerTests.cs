using System.Net;
using FlashSale.Accounts;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Security;

/// <summary>
/// A registration whose account the record committed before the store failed (an answer lost on the way back) is not
/// answered "nothing was changed": the account exists, and a second registration of the name would be username_taken.
/// The 503 says it may have been created and to sign in first (until 2026-12-07 it said nothing changed).
/// </summary>
public sealed class LostRegistrationAnswerTests() : AdminAppTest(new TestApp(services: FaultyAccountStore.Wrap))
{
    [Fact]
    public async Task ARegistrationCommittedBeforeTheStoreFailed_SaysItMayHaveBeenCreated_AndItWas()
    {
        var username = "lost-" + Guid.NewGuid().ToString("N")[..8];
        var body = $$"""{"username":"{{username}}","password":"long-enough-1"}""";
        App.Services.GetRequiredService<FaultyAccountStore>().FailAfterCreate = new SqliteException("disk I/O error", 10);

        using var failed = await Admin.Anonymous().PostJsonAsync("/api/v1/accounts", body);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(AccountsApi.RegistrationUnfinished, await Api.DetailAsync(failed));
        using var signedIn = await Admin.Anonymous().PostJsonAsync("/api/v1/auth/token", body);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }
}
