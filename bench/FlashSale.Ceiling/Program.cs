using System.Text.Json;
using FlashSale.Ceiling;

// The ceiling: what ASP.NET Core on this machine answers at best for a request shaped like a
// purchase (same JSON body in, 201 with an order-sized JSON body out), with no auth, no decision
// and no storage; and the same plus one Redis EVALSHA, the least the distributed mode can do.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// No request Activity and log scope, as FlashSale's text logs (Operations/LoggingSetup.cs): the ceiling
// is what ASP.NET Core does at best, so it does not pay for what FlashSale leaves out.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, CeilingJson.Default));

var app = builder.Build();
var redisConfiguration = app.Configuration.GetConnectionString("Redis");

app.MapPost("/api/v1/sales/{id}/purchases", async (Guid id, HttpRequest request, CancellationToken ct) =>
{
    var body = await JsonSerializer.DeserializeAsync(request.Body, CeilingJson.Default.PurchaseBody, ct);
    return body is null || body.Quantity < 1
        ? Results.BadRequest()
        : TypedResults.Created(CeilingOrder.Location, CeilingOrder.Sample(id, body.Quantity, 9_999_999));
});

if (!string.IsNullOrWhiteSpace(redisConfiguration))
{
    var stock = await RedisStock.ConnectAsync(redisConfiguration, app.Configuration["Ceiling:StockKey"] ?? "flashsale-bench:{ceiling}:stock");
    app.Lifetime.ApplicationStopped.Register(stock.Dispose);
    app.MapPost("/redis/api/v1/sales/{id}/purchases", async (Guid id, HttpRequest request, CancellationToken ct) =>
    {
        var body = await JsonSerializer.DeserializeAsync(request.Body, CeilingJson.Default.PurchaseBody, ct);
        if (body is null || body.Quantity < 1)
        {
            return Results.BadRequest();
        }

        var remaining = await stock.TakeAsync();
        return remaining < 0
            ? Results.Conflict()
            : TypedResults.Created(CeilingOrder.Location, CeilingOrder.Sample(id, body.Quantity, remaining));
    });
}

app.MapGet("/health/ready", () => "ok");
await app.RunAsync();
