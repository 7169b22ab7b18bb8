namespace FlashSale.Common;

/// <summary><c>SecurityHeaders</c> in configuration: the Content-Security-Policy per kind of response.</summary>
public sealed class SecurityHeadersOptions
{
    public const string Section = "SecurityHeaders";

    /// <summary>HTML pages: scripts only from this origin, no plugins, no framing, forms post here only.</summary>
    public string HtmlPolicy { get; set; } =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The API reference UI (third-party page with inline scripts); only under <see cref="OpenApiSetup.ReferencePath"/>.</summary>
    public string ApiDocsPolicy { get; set; } =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>Everything else (JSON, problem+json, SSE, CSV): nothing may load, nothing may frame it.</summary>
    public string OtherPolicy { get; set; } = "default-src 'none'; frame-ancestors 'none'";
}
