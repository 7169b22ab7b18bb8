using FlashSale.Common;

namespace FlashSale.Accounts;

public sealed record CredentialsRequest(string Username, string Password)
{
    public Validation Validate() => Check(Username, Password);

    /// <summary>
    /// A registration's: <see cref="Validate"/>, a username outside the synthetic buyers' prefix
    /// (<see cref="ReservedUsernames"/>), and a password that is not among the first a guesser tries.
    /// </summary>
    public Validation ValidateNewAccount() => Validate().NotReserved(Username).CheckNewPassword(Username, Password);

    /// <summary>
    /// The rules every sign-in applies, also for credentials from elsewhere: the admin's from configuration
    /// (<see cref="AdminOptions"/>), which would otherwise make an account that can never sign in.
    /// </summary>
    public static Validation Check(string? username, string? password, bool passwordRequired = true) => new Validation()
        .Text(username, "username", 3, 32)
        .Require(username is null || username.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'),
            "username", "may contain only letters, digits, '_', '-' and '.'.")
        .Text(string.IsNullOrEmpty(password) && !passwordRequired ? null : password, "password", 8, 128, passwordRequired);
}

public sealed record AccountResponse(Guid Id, string Username, string Role, DateTimeOffset CreatedAt);

public sealed record TokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt);

public sealed record SyntheticTokensRequest(int Count);

public sealed record SyntheticToken(string UserId, string Username, string AccessToken);

public sealed record SyntheticTokensResponse(IReadOnlyList<SyntheticToken> Tokens, DateTimeOffset ExpiresAt);
