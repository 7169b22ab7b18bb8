using FlashSale.Accounts;
using FlashSale.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Admin;

/// <summary>
/// Whose orders support asks for: a user id (any buyer: an account's, an external provider's subject, a synthetic
/// buyer's), or the username of an account of this server. <c>GET /api/v1/admin/orders</c> and the admin's buyer page.
/// </summary>
public sealed record BuyerLookup(string? UserId, string? Username)
{
    /// <summary>The longest user id a token of this server or of an external provider can carry.</summary>
    public static readonly int MaxUserIdLength = TokenIssuers.ExternalSubjectPrefix.Length + TokenIssuers.MaxSubjectLength;

    /// <summary>The query as given, an empty value being no value (a form sending both fields, one blank, means the other).</summary>
    public static BuyerLookup Of(string? userId, string? username) =>
        new(string.IsNullOrEmpty(userId) ? null : userId, string.IsNullOrEmpty(username) ? null : username);

    public bool IsEmpty => UserId is null && Username is null;

    /// <summary>What is wrong with the query before any store is asked, or null.</summary>
    public ProblemHttpResult? Problem()
    {
        if ((UserId is null) == (Username is null))
        {
            return ApiProblem.Validation("userId", "give exactly one of userId and username.");
        }

        // As a token's subject must be (TokenIssuers): no id this server knows is refused. A control character would
        // also reach PostgreSQL, which refuses a NUL in text with an error that is no answer (a 500 until 2026-12-07).
        return UserId is not null && (UserId.Length > MaxUserIdLength || UserId.Any(char.IsControl))
            ? ApiProblem.Validation("userId", $"must be at most {MaxUserIdLength} characters, none of them control characters.")
            : null;
    }

    /// <summary>The user id the query names; null when no account has the username.</summary>
    public async Task<string?> UserIdAsync(IAccountStore accounts, CancellationToken ct)
    {
        if (Username is null)
        {
            return UserId;
        }

        // Usernames are not ids: an account's is looked up (case-insensitive, as sign-in does) for the id its orders carry.
        // A name no account can have (the sign-in's rule) is not asked of the store.
        var account = CredentialsRequest.Check(Username, null, passwordRequired: false).IsValid
            ? await accounts.FindByUsernameAsync(Username, ct)
            : null;
        return account?.Id.ToString("D");
    }

    /// <summary>
    /// Whether a search's text is an order id (support is often given one: the buyer's receipt, a log line), trimmed of
    /// the spaces a paste brings. Usernames are at most 32 characters of letters, digits, '_', '-' and '.', so an id as
    /// orders are written (36 characters) is never one; its 32 hex digits alone could be, and are tried as a username first.
    /// </summary>
    public static bool TryOrderId(string? text, out Guid orderId)
    {
        orderId = Guid.Empty;
        return text is not null && Guid.TryParse(text.AsSpan().Trim(), out orderId);
    }

    public static ProblemHttpResult NoSuchAccount() => ApiProblem.NotFound(Reasons.NotFound, "No account has this username.");
}
