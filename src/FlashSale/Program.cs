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

builder.WebHost.ConfigureKestrel(kestrel =>
{
    // The largest legitimate body is an admin's sale (a few KiB); anything bigger is refused before it is read.
    kestrel.Limits.MaxRequestBodySize = builder.Configuration.GetValue("Kestrel:Limits:MaxRequestBodySize", 64 * 1024);
});

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddFlashSaleProblems();
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

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapScalarApiReference("/api-docs", o => o.WithTitle("FlashSale API"));
app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" })).WithTags("Operations").ExcludeFromDescription();

app.MapSales();
app.MapPurchases();
app.MapMyOrders();
app.MapAccounts();
app.MapLeaderboard();
app.MapAdminSales();
app.MapAdminOrders();
app.MapAdminStats();
app.MapAdminOps();

await Startup.PrepareAsync(app.Services, app.Lifetime.ApplicationStopping);
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
