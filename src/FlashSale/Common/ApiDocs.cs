using FlashSale.Accounts;
using Microsoft.AspNetCore.Authorization;

namespace FlashSale.Common;

/// <summary>
/// What an endpoint answers beyond its typed results, as endpoint metadata for the OpenAPI document
/// (<see cref="ApiResponsesTransformer"/>, <see cref="RequestHeadersTransformer"/>). Only an endpoint's own refusals go here: the answers every operation
/// shares (401/403 from its authorization, 400/413/415 for a body, 429, 503) are added by the transformer.
/// </summary>
internal static class ApiDocs
{
    /// <summary>The endpoint answers <paramref name="status"/> problems with these reasons.</summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, int status, params string[] reasons)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProblemResponseMetadata(status, reasons, null));

    /// <summary>A sentence on what a <paramref name="status"/> problem of this endpoint means, after its reasons.</summary>
    public static TBuilder ExplainsProblem<TBuilder>(this TBuilder builder, int status, string note)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProblemResponseMetadata(status, [], note));

    /// <summary>The endpoint reads this optional request header itself (not bound to a parameter, so not seen by the document).</summary>
    public static TBuilder ReadsHeader<TBuilder>(this TBuilder builder, string name, string description, string? pattern = null,
        int? maxLength = null) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestHeaderMetadata(name, description, pattern, maxLength));

    /// <summary>
    /// The endpoint reads a JSON body of <typeparamref name="T"/> itself (<see cref="StrictJson"/>), which answers a body
    /// of another type 415 after the token, the role and the endpoint's own checks. Declared for the document as
    /// <c>application/json</c> and also as any type (<c>*/*</c>, taken out of the document again by
    /// <see cref="ApiResponsesTransformer"/>): declared as JSON only, the router answered other types itself with a bare
    /// 415 before authentication ran (BodyTypeOrderTests).
    /// </summary>
    public static RouteHandlerBuilder ReadsJson<T>(this RouteHandlerBuilder builder) where T : notnull =>
        builder.Accepts<T>(JsonBody, AnyBody);

    /// <summary>
    /// A store failing under this endpoint may come after its write committed (a later step failing, or the store's answer
    /// lost on the way back): its 503 says <paramref name="detail"/> instead of "nothing was changed", in the answer
    /// (<see cref="Storage.StoreUnavailableExceptionHandler"/>) and in the document alike.
    /// </summary>
    public static TBuilder MayHaveWrittenOnStoreFailure<TBuilder>(this TBuilder builder, string detail)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new StoreFailureMetadata(detail), new ProblemResponseMetadata(StatusCodes.Status503ServiceUnavailable, [], detail));

    /// <summary>
    /// A purchase refused by a store failure before it was decided — the account check of the caller's token or cookie,
    /// on an instance that has not read that account yet, while PostgreSQL is down — decided nothing; but a retry that
    /// carries a key (<paramref name="keyed"/>) asks what an earlier attempt did, and "nothing was changed" read as
    /// "nothing was bought" then (a buyer or the shop's script would buy again under a new key) while the key's order
    /// existed (found by a docs audit, 2026-12-07: a second instance answered so for a key the first had bought with).
    /// Keyed, the 503 says the outcome is unknown (<c>outcomeUnknown: true</c>, as the ledger's own 503s do); keyless it
    /// says nothing was bought, which it was not.
    /// </summary>
    public static TBuilder PurchaseOnStoreFailure<TBuilder>(this TBuilder builder, Func<HttpContext, ValueTask<bool>> keyed)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new StoreFailureMetadata(PurchaseNotDecided, keyed));

    public const string PurchaseNotDecided = "A store this purchase needs is unavailable; it was not decided and nothing was bought. Try again shortly.";

    public const string KeyedPurchaseNotDecided =
        "A store this purchase needs is unavailable; this attempt was not decided. Whether an earlier attempt with this " +
        "Idempotency-Key bought is not known here: retry with the same key to learn it.";

    /// <summary>What an admin's sale change answers when a store fails partway (<see cref="MayHaveWrittenOnStoreFailure"/>).</summary>
    public const string SaleChangeUnfinished =
        "A store was unavailable partway: the change may have been made. Read the sale before trying again " +
        "(a retried create may answer sku_taken for the sale it made).";

    public const string JsonBody = "application/json";

    public const string AnyBody = "*/*";

    /// <summary>Who may call an endpoint, from its authorization metadata.</summary>
    public static EndpointAccess AccessOf(IEnumerable<object> metadata)
    {
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        return authorize.Count == 0 || metadata.OfType<IAllowAnonymous>().Any() ? EndpointAccess.Anonymous
            : authorize.Any(a => a.Policy == AuthSetup.AdminPolicy) ? EndpointAccess.Admin
            : EndpointAccess.SignedIn;
    }
}

internal enum EndpointAccess
{
    Anonymous,
    /// <summary>Any signed-in user: a token (or the site's cookie).</summary>
    SignedIn,
    /// <summary>A token with the admin role (<see cref="AuthSetup.AdminPolicy"/>).</summary>
    Admin,
}

/// <summary>An optional request header an endpoint reads by hand, with what it accepts.</summary>
internal sealed record RequestHeaderMetadata(string Name, string Description, string? Pattern, int? MaxLength);

/// <summary>Problems with <see cref="Status"/> this endpoint answers: their reasons, or a note on what they mean.</summary>
internal sealed record ProblemResponseMetadata(int Status, string[] Reasons, string? Note);

/// <summary>
/// The 503 detail for a store failure under this endpoint, which may have written (<see cref="ApiDocs.MayHaveWrittenOnStoreFailure"/>);
/// or, for a purchase (<see cref="ApiDocs.PurchaseOnStoreFailure"/>), what a keyed one says, with <c>outcomeUnknown</c>.
/// </summary>
internal sealed record StoreFailureMetadata(string Detail, Func<HttpContext, ValueTask<bool>>? Keyed = null);
