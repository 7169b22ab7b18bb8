using FlashSale.Accounts;
using FlashSale.Admin;
using FlashSale.Common;
using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;
using FlashSale.Storage;
using Microsoft.AspNetCore.DataProtection;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddFlashSaleProblems();
// Hardening (#5): Kestrel and request limits (Limits:*), trusted proxies, security headers, rate limits, CSRF.
builder.Services.AddFlashSaleHardening();
builder.Services.AddFlashSaleStorage(builder.Configuration);
builder.Services.AddFlashSaleAuth(builder.Configuration);
// Cookie and antiforgery keys live with the data, so a restart does not sign everyone out.
builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(
    Path.Combine(builder.Configuration["Storage:DataPath"] ?? "data", "keys")));
builder.Services.AddSingleton<AccountService>();
builder.Services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>());
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition =
    System.Text.Json.Serialization.JsonIgnoreCondition.Never);

var app = builder.Build();

app.UseFlashSaleEdge(); // Hardening (#5): forwarded headers, security headers, URL and header size limits.
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseFlashSaleRequestGuards(); // Hardening (#5): rate limits (need the user), CSRF check for cookie calls.
app.UseAuthorization();

app.MapOpenApi();
app.MapScalarApiReference("/api-docs", o => o.WithTitle("FlashSale API"));
app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" })).WithTags("Operations").ExcludeFromDescription();

app.MapSales();
app.MapPurchases();
app.MapMyOrders();
app.MapAccounts();
app.MapAdminSales();

await Startup.PrepareAsync(app.Services, app.Lifetime.ApplicationStopping);
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
