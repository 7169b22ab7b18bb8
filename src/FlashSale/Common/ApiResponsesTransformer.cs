using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace FlashSale.Common;

/// <summary>
/// The problems each API operation answers, in the OpenAPI document, each with its reasons: the endpoint's own
/// (<see cref="ApiDocs.Refuses{TBuilder}"/>) and those every operation shares, read from its metadata: 400
/// <c>validation_failed</c> when it reads query parameters (one given twice, <see cref="SingleQueryValues"/>); 400
/// <c>invalid_json</c>, 413 and 415 when it reads a body (<see cref="StrictJson"/>); 401 when it needs a token, 403
/// when it needs the admin role; 403 <c>csrf_check_failed</c> for an unsafe method (<see cref="CookieCsrfMiddleware"/>);
/// 429, the per-ip rule counting every request; 503 when a store it needs is down or the rate limiter fails closed.
/// 429 and 503 declare Retry-After (<see cref="ApiProblem"/> always sends it), 201 and 202 Location.
/// </summary>
internal sealed class ApiResponsesTransformer : IOpenApiOperationTransformer
{
    /// <summary>The one problem schema every problem response refers to (<see cref="ProblemSchemaTransformer"/>).</summary>
    public const string ProblemSchemaId = "ProblemDetails";

    private const string ProblemJson = "application/problem+json";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        if (description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) != true)
        {
            return;
        }

        var metadata = description.ActionDescriptor.EndpointMetadata;
        var problems = new SortedDictionary<int, Problem>();
        // Every operation that reads the query refuses a parameter given twice (SingleQueryValues); first, so that its
        // meaning is said even where the endpoint names validation_failed itself.
        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true)
        {
            Of(problems, StatusCodes.Status400BadRequest).Add(Reasons.ValidationFailed,
                "a query parameter is not valid, or was given more than once; `errors` names it");
        }

        foreach (var own in metadata.OfType<ProblemResponseMetadata>())
        {
            Of(problems, own.Status).AddOwn(own.Reasons, own.Note);
        }

        // Any type is accepted only so that the endpoint answers 415 itself (ApiDocs.ReadsJson): the body is JSON.
        operation.RequestBody?.Content?.Remove(ApiDocs.AnyBody);
        if (operation.RequestBody is not null)
        {
            Of(problems, StatusCodes.Status400BadRequest).Add(Reasons.InvalidJson, "the body is not JSON of this request's shape");
            Of(problems, StatusCodes.Status408RequestTimeout).Add(Reasons.RequestTimeout, "the body arrived too slowly (`Limits:MinRequestBodyBytesPerSecond`)");
            Of(problems, StatusCodes.Status413PayloadTooLarge).Add(Reasons.PayloadTooLarge);
            Of(problems, StatusCodes.Status415UnsupportedMediaType).Add(Reasons.UnsupportedMediaType, "send Content-Type: application/json");
        }

        var access = ApiDocs.AccessOf(metadata);
        if (access != EndpointAccess.Anonymous)
        {
            Of(problems, StatusCodes.Status401Unauthorized).Add(Reasons.Unauthorized, "no token, or one that is not valid");
        }

        if (access == EndpointAccess.Admin)
        {
            Of(problems, StatusCodes.Status403Forbidden).Add(Reasons.Forbidden, "the token is not an admin's");
        }

        if (!HttpMethods.IsGet(description.HttpMethod ?? HttpMethods.Get))
        {
            Of(problems, StatusCodes.Status403Forbidden).Add(Reasons.CsrfCheckFailed,
                $"signed in by the site's cookie instead of a token, without {CookieCsrfMiddleware.RequiredHeader}");
        }

        Of(problems, StatusCodes.Status429TooManyRequests).Add(Reasons.RateLimited,
            "a rate-limit rule refused the call, named in `rule`; the per-ip rule counts every call");
        Of(problems, StatusCodes.Status503ServiceUnavailable).Add(Reasons.Unavailable,
            "a store this request needs is down, or the rate limiter is; nothing was changed");

        var schema = await ProblemSchemaAsync(context, cancellationToken);
        var responses = new OpenApiResponses();
        foreach (var (key, response) in operation.Responses ?? [])
        {
            responses[key] = response;
        }

        foreach (var (status, problem) in problems)
        {
            responses[status.ToString(CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = problem.Describe(status),
                Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = schema } },
                Headers = status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable
                    ? new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = RetryAfter() }
                    : null,
            };
        }

        foreach (var key in new[] { "201", "202" })
        {
            if (responses.TryGetValue(key, out var created) && created is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers["Location"] = new OpenApiHeader
                {
                    Description = key == "201" ? "The path of what was created." : "The path of the order, pending until it is recorded.",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
                };
            }
        }

        // In status order, whichever declared them.
        operation.Responses = new OpenApiResponses();
        foreach (var (key, response) in responses.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            operation.Responses[key] = response;
        }
    }

    private static OpenApiHeader RetryAfter() => new()
    {
        Description = "Seconds to wait before trying again.",
        Required = true,
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
    };

    /// <summary>
    /// A reference to the problem schema, put in the document's components by the first operation that needs it (a schema
    /// asked for here comes back whole: as it was, each response carried its own copy).
    /// </summary>
    private static async Task<IOpenApiSchema> ProblemSchemaAsync(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document;
        if (document?.Components?.Schemas?.ContainsKey(ProblemSchemaId) != true)
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
            if (document is null)
            {
                return schema;
            }

            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ProblemSchemaId] = schema;
        }

        return new OpenApiSchemaReference(ProblemSchemaId, document);
    }

    private static Problem Of(SortedDictionary<int, Problem> problems, int status)
    {
        if (!problems.TryGetValue(status, out var problem))
        {
            problems[status] = problem = new Problem();
        }

        return problem;
    }

    /// <summary>
    /// One status's reasons, each with what it means where every operation shares it; a note of the endpoint's own
    /// (<see cref="ApiDocs.ExplainsProblem{TBuilder}"/>) says what the status means there instead.
    /// </summary>
    private sealed class Problem
    {
        private readonly List<(string Reason, string? Meaning)> _reasons = [];
        private readonly List<string> _notes = [];

        public void Add(string reason, string? meaning = null)
        {
            if (!_reasons.Exists(r => r.Reason == reason))
            {
                _reasons.Add((reason, meaning));
            }
        }

        public void AddOwn(IEnumerable<string> reasons, string? note)
        {
            foreach (var reason in reasons)
            {
                Add(reason);
            }

            if (note is not null)
            {
                _notes.Add(note);
            }
        }

        public string Describe(int status)
        {
            var reasons = _reasons.Select(r => r.Meaning is null || _notes.Count > 0 ? $"`{r.Reason}`" : $"`{r.Reason}` ({r.Meaning})").ToList();
            var listed = reasons.Count switch
            {
                0 => "",
                1 => reasons[0],
                _ => string.Join(", ", reasons[..^1]) + " or " + reasons[^1],
            };
            return string.Join(" ", _notes.Prepend($"{ReasonPhrases.GetReasonPhrase(status)}: {listed}."));
        }
    }
}
