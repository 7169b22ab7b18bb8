using FlashSale.Common;

namespace FlashSale.Accounts;

public sealed record CredentialsRequest(string Username, string Password)
{
    public Validation Validate() => new Validation()
        .Text(Username, "username", 3, 32)
        .Require(Username is null || Username.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'),
            "username", "may contain only letters, digits, '_', '-' and '.'.")
        .Text(Password, "password", 8, 128);
}

public sealed record AccountResponse(Guid Id, string Username, string Role, DateTimeOffset CreatedAt);

public sealed record TokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt);

public sealed record SyntheticTokensRequest(int Count);

public sealed record SyntheticToken(string UserId, string Username, string AccessToken);

public sealed record SyntheticTokensResponse(IReadOnlyList<SyntheticToken> Tokens, DateTimeOffset ExpiresAt);
