using System.Net;
using FlashSale.Accounts;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// A new account's password is not one a guesser tries first (NewPasswordRules). Until 2026-12-07 "12345678" and
/// "aaaaaaaa" were taken, and registration says which usernames exist: one common password tried against each found
/// accounts (an audit). A sign-in is never refused for a password its account already has.
/// </summary>
public sealed class NewPasswordRulesTests() : AdminAppTest(new TestApp())
{
    [Theory]
    [InlineData("12345678")]
    [InlineData("87654321")]
    [InlineData("abcdefgh")]
    [InlineData("aaaaaaaa")]
    [InlineData("Password1")]
    [InlineData("QWERTYUIOP")]
    [InlineData("iloveyou")]
    [InlineData("carol_b1")] // the username
    [InlineData("1b_lorac")] // reversed
    public void GuessablePasswords_AreRefusedForANewAccount_ButNotAtSignIn(string password)
    {
        var request = new CredentialsRequest("carol_b1", password);

        Assert.Equal([NewPasswordRules.Message], request.ValidateNewAccount().Errors["password"]);
        Assert.True(request.Validate().IsValid);
    }

    [Theory]
    [InlineData("correct horse battery")]
    [InlineData("carol-password-1")]
    [InlineData("12345679")]
    [InlineData("aaaaaaab")]
    public void OtherPasswords_AreTaken(string password) =>
        Assert.True(new CredentialsRequest("carol_b1", password).ValidateNewAccount().IsValid);

    [Fact]
    public void ATooShortPassword_IsToldItsLength_NotThatItIsGuessable() =>
        Assert.Equal(["must be 8–128 characters."], new CredentialsRequest("carol_b1", "1234").ValidateNewAccount().Errors["password"]);

    [Fact]
    public async Task TheApiAndTheForm_RefuseAGuessablePassword_AndCreateNoAccount()
    {
        var anonymous = Admin.Anonymous();
        using var api = await anonymous.PostJsonAsync("/api/v1/accounts", """{"username":"dave_1","password":"12345678"}""");

        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Equal("validation_failed", await Api.ReasonAsync(api));
        Assert.Contains("too easy to guess", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var browser = Browser.Open(App);
        using var form = await browser.SubmitAsync("/register", "/register",
            new Dictionary<string, string> { ["username"] = "dave_1", ["password"] = "password123" });
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.Contains("Password is too easy to guess", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Neither made the account: the name is still free.
        using var registered = await anonymous.PostJsonAsync("/api/v1/accounts", """{"username":"dave_1","password":"correct horse battery"}""");
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
    }
}
