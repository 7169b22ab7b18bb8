using FlashSale.Accounts;
using FlashSale.Admin;
using FlashSale.Common;
using FlashSale.Live;
using FlashSale.Operations;
using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;
using FlashSale.Storage;
using FlashSale.Web;
using Scalar.AspNetCore;

if (CommandLine.TryHandleInformational(args, Console.Out))
{
    return 0;
}

if (await CommandLine.TryHealthCheckAsync(args, Console.Out) is { } healthExit)
{
    return healthExit;
}

var builder = WebApplication.CreateBuilder(CommandLine.HostArguments(args));

builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = builder.Configuration.GetValue("ShutdownTimeout", TimeSpan.FromSeconds(30)));
builder.Logging.AddFlashSaleLogging(builder.Configuration);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddFlashSaleProblems();
// Kestrel and request limits (Limits:*), trusted proxies, security headers, rate limits, CSRF: docs/security.md.
builder.Services.AddFlashSaleHardening();
builder.Services.AddFlashSaleStorage(builder.Configuration);
builder.Services.AddFlashSaleAuth(builder.Configuration);
// Cookie and antiforgery keys: with the data (embedded) or in Redis (distributed: shared by every instance).
builder.Services.AddFlashSaleDataProtection(builder.Configuration);
builder.Services.AddSingleton<AccountService>();
builder.Services.AddSingleton<PurchaseAdmission>();
builder.Services.AddSingleton<SaleCommands>();
builder.Services.AddFlashSaleOperations();
builder.Services.AddFlashSaleWeb();
builder.Services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>().AddOperationTransformer<StoreUnavailableResponseTransformer>());

var app = builder.Build();

if (CommandLine.IsMigrate(args))
{
    await app.Services.GetRequiredService<IStoreInitializer>().MigrateAsync(CancellationToken.None);
    Console.WriteLine("Migrations applied.");
    return 0;
}

ContentRootCheck.WarnIfMisplaced(app.Environment, app.Logger);

// First: the client address (trusted proxies only), security headers on every answer, URL and header limits.
app.UseFlashSaleEdge();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseStaticFiles();
app.UseFlashSaleAuthentication();
// After authentication (per-user rules need the user): rate limits, CSRF check for cookie-authenticated API calls.
app.UseFlashSaleRequestGuards();
app.UseAuthorization();
app.UseAntiforgery();

app.MapOpenApi();
app.MapScalarApiReference("/api-docs", o => o.WithTitle("FlashSale API"));
app.MapOperations();

app.MapSales();
app.MapSaleEvents();
app.MapPurchases();
app.MapMyOrders();
app.MapAccounts();
app.MapLeaderboard();
app.MapAdminSales();
app.MapWebPages();
app.MapAdminOrders();
app.MapAdminStats();
app.MapAdminOps();

try
{
    OperationsSetup.ConnectCommitMetrics(app.Services);
    await Startup.PrepareAsync(app.Services, app.Lifetime.ApplicationStopping);
}
catch
{
    // A start that fails lets go of what it took (the data folder's lock, connections) before the error ends it: a host
    // started in a process that goes on (the tests' in-process servers) kept the folder locked for the next one.
    await app.DisposeAsync();
    throw;
}

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
