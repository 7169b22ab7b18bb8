using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using FlashSale.Common;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Operations;

/// <summary>
/// Every query parameter FlashSale reads takes one value. Given twice, the framework joined the values ("active,ended")
/// and the endpoint refused a bad value in misleading words, or a page read a good one; now it is 400 validation_failed
/// naming the parameter, after the token's 401 and the role's 403, and a page's parameter whose bad values it passes
/// over is read as absent. The endpoints and their parameters are read from the running server, so a new endpoint
/// mapped without the check fails here (until 2026-12-06 a repeated parameter reached every handler joined).
/// </summary>
public sealed class RepeatedQueryParameterTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task TheSaleList_GivenStatusTwice_Says400NamingIt_NotThatTheValueIsBad()
    {
        var problem = await Api.ExpectProblemAsync(Admin.Anonymous().GetAsync("/api/v1/sales?status=active&status=ended"),
            HttpStatusCode.BadRequest, "validation_failed");

        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["status"], errors.Select(e => e.Key));
        Assert.Equal("was given 2 times; give it once.", Assert.Single(errors["status"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task EveryRepeatedParameter_IsNamed_WithItsCount_MatchedAsTheBindingMatchesNames()
    {
        var problem = await Api.ExpectProblemAsync(
            Admin.GetAsync("/api/v1/admin/sales?status=active&STATUS=ended&limit=1&limit=2&limit=3&cursor=x"),
            HttpStatusCode.BadRequest, "validation_failed");

        var errors = problem["errors"]!.AsObject().ToDictionary(e => e.Key, e => e.Value![0]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string>
        {
            ["status"] = "was given 2 times; give it once.",
            ["limit"] = "was given 3 times; give it once.",
        }, errors);
    }

    [Fact]
    public async Task TheTokenAndTheRole_AreStillJudgedFirst()
    {
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        await Api.ExpectProblemAsync(Admin.Anonymous().GetAsync("/api/v1/me/orders?limit=1&limit=2"), HttpStatusCode.Unauthorized, "unauthorized");
        await Api.ExpectProblemAsync(buyer.GetAsync("/api/v1/admin/sales?limit=1&limit=2"), HttpStatusCode.Forbidden, "forbidden");
        await Api.ExpectProblemAsync(buyer.GetAsync("/api/v1/me/orders?limit=1&limit=2"), HttpStatusCode.BadRequest, "validation_failed");
    }

    /// <summary>
    /// The enumeration: each endpoint's query parameters as the framework binds them, cross-checked against the OpenAPI
    /// document's (ASP.NET's own inference) so the list is not the filter's word alone; each sent twice.
    /// </summary>
    [Fact]
    public async Task EveryEndpointsEveryQueryParameter_GivenTwice_IsRefusedNamingIt_OrReadAsAbsentOnAPage()
    {
        var (saleId, _, orderIds) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        var endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>() is not null).ToList();
        var failures = new List<string>();
        var seen = new HashSet<(string Path, string Name)>();
        foreach (var endpoint in endpoints)
        {
            var parameters = SingleQueryValues.Of(endpoint.Metadata.GetMetadata<MethodInfo>()!, endpoint.RoutePattern);
            if (parameters.Count == 0)
            {
                continue;
            }

            var verbs = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var template = Template(endpoint.RoutePattern);
            Assert.True(verbs.SequenceEqual([HttpMethods.Get]), $"{string.Join(",", verbs)} {template} reads the query: send it here too");
            var path = Fill(endpoint.RoutePattern, saleId, orderIds[0]);
            foreach (var parameter in parameters)
            {
                seen.Add((template, parameter.Name));
                using var twice = await Admin.GetAsync($"{path}?{parameter.Name}=1&{parameter.Name}=1");
                var body = await twice.Content.ReadAsStringAsync();
                if (parameter.IgnoredWhenRepeated)
                {
                    // As a bad value: the page passes over it.
                    using var bad = await Admin.GetAsync($"{path}?{parameter.Name}=no-such-value");
                    if (twice.StatusCode != bad.StatusCode || twice.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Add($"GET {template} ?{parameter.Name} twice: {(int)twice.StatusCode}, a bad value {(int)bad.StatusCode}");
                    }

                    continue;
                }

                var message = twice.StatusCode == HttpStatusCode.BadRequest
                    ? JsonNode.Parse(body)?["errors"]?[parameter.Name]?[0]?.GetValue<string>() : null;
                if (message != "was given 2 times; give it once.")
                {
                    failures.Add($"GET {template} ?{parameter.Name} twice: {(int)twice.StatusCode} {body}");
                }
            }
        }

        var document = JsonNode.Parse(await App.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var documented = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().SelectMany(operation =>
            (operation.Value!["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "query")
                .Select(p => (Path: path.Key, Name: p!["name"]!.GetValue<string>())))).ToList();
        Assert.True(documented.Count >= 12, $"only {documented.Count} query parameters in the document");
        failures.AddRange(documented.Where(d => !seen.Contains(d)).Select(d => $"{d.Path} ?{d.Name} is documented and was not sent twice"));
        Assert.True(seen.Contains(("/admin", "before")) && seen.Contains(("/login", "returnUrl")), "the pages' parameters were not found");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task ASignInFormGivenTwoReturnAddresses_KeepsNeither()
    {
        using var response = await Admin.Anonymous().GetAsync("/login?returnUrl=/a&returnUrl=/b");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Joined, "/a,/b" is a path on this site, and the sign-in went there.
        Assert.Contains("""<input type="hidden" name="returnUrl" value="">""", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/a,/b", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDashboardGivenBeforeTwice_IsItsBadLinkPage_NamingIt()
    {
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin?before=a&before=b");
        request.Headers.Accept.ParseAdd(Browser.HtmlAccept);
        using var response = await browser.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<code>before</code> was given 2 times; give it once.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryOperationThatReadsTheQuery_Documents400ValidationFailed()
    {
        var document = JsonNode.Parse(await App.CreateClient().GetStringAsync("/openapi/v1.json"))!;

        var operations = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(operation => (operation.Value!["parameters"]?.AsArray() ?? []).Any(p => p!["in"]!.GetValue<string>() == "query"))
            .Select(operation => (Name: $"{operation.Key} {path.Key}", Bad: operation.Value!["responses"]?["400"]?["description"]?.GetValue<string>())))
            .ToList();

        Assert.NotEmpty(operations);
        Assert.All(operations, o => Assert.True(o.Bad?.Contains("`validation_failed` (a query parameter is not valid, or was given more than once",
            StringComparison.Ordinal) == true, $"{o.Name}: {o.Bad}"));
    }

    /// <summary>The route's template as the document writes it: no trailing slash (a group's "/" route).</summary>
    private static string Template(RoutePattern route)
    {
        var text = route.RawText ?? "";
        return text.Length > 1 ? text.TrimEnd('/') : text;
    }

    private static string Fill(RoutePattern route, string saleId, string orderId)
    {
        var path = Template(route);
        foreach (var parameter in route.Parameters)
        {
            var value = parameter.Name switch { "id" => saleId, "orderId" => orderId, _ => Guid.NewGuid().ToString() };
            path = path.Replace("{" + parameter.Name + "}", value, StringComparison.Ordinal);
        }

        return path;
    }
}
