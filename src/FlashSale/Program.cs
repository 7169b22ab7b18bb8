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
using Microsoft.Extensions.Options;

if (CommandLine.TryHandleInformational(args, Console.Out))
{
    return 0;
}

if (await CommandLine.TryHealthCheckAsync(args, Console.Out) is { } healthExit)
{
    return healthExit;
}

// A server that cannot start says why in one line and exits 1 (StartFailure, docs/operations.md): building it, the
// migrations, preparing the store and starting the host (Kestrel binding its addresses) are the start.
WebApplication? app = null;
try
{
    CommandLine.EnsureUnderstood(args);
    var builder = ContentRootCheck.CreateBuilder(CommandLine.HostArguments(args));

    builder.Services.AddFlashSaleShutdownTimeout(builder.Configuration);
    builder.Logging.AddFlashSaleLogging(builder.Configuration);

    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddFlashSaleProblems();
    // Kestrel and request limits (Limits:*), trusted proxies, security headers, rate limits, CSRF: docs/security.md.
    builder.Services.AddFlashSaleHardening();
    // Other origins' pages calling the API (Cors:AllowedOrigins; none by default): docs/security.md.
    builder.Services.AddFlashSaleCrossOrigin();
    builder.Services.AddFlashSaleStorage(builder.Configuration);
    builder.Services.AddFlashSaleAuth(builder.Configuration);
    // Cookie and antiforgery keys: with the data (embedded) or in Redis (distributed: shared by every instance).
    builder.Services.AddFlashSaleDataProtection(builder.Configuration);
    builder.Services.AddSingleton<AccountService>();
    builder.Services.AddSingleton<PurchaseAdmission>();
    builder.Services.AddSingleton<SaleCommands>();
    builder.Services.AddFlashSaleDriftWatch();
    builder.Services.AddFlashSaleSales();
    builder.Services.AddFlashSaleOperations();
    builder.Services.AddFlashSaleWeb();
    builder.Services.AddFlashSaleOpenApi();

    app = builder.Build();

    if (CommandLine.IsMigrate(args))
    {
        await app.Services.GetRequiredService<IStoreInitializer>().MigrateAsync(CancellationToken.None);
        Console.WriteLine("Migrations applied.");
        return 0;
    }

    ContentRootCheck.WarnIfMisplaced(app.Environment, app.Logger);
    SigningKey.RequireSharedInProduction(app.Configuration, app.Services.GetRequiredService<IOptions<StorageOptions>>().Value, app.Environment);

    // HEAD runs as GET with its body dropped (HeadRequestsMiddleware): ahead of routing, which maps GET only.
    app.UseMiddleware<HeadRequestsMiddleware>();
    app.UseRouting();
    app.Use(HeadRequestsMiddleware.AllowHeadOnMethodNotAllowed);
    // Then: the client address (trusted proxies only), security headers on every answer, URL and header limits.
    app.UseFlashSaleEdge();
    // A page's form body kept readable for StrictFormFields' check of its bytes: before anything reads it (the sign-in
    // form's rate limit by username, antiforgery, the binder).
    app.Use(StrictFormFields.BufferFormBodies);
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    // /metrics for the operator's scraper only (Network:MetricsClients): after the client address, answered as unknown.
    app.UseMiddleware<MetricsAccess>();
    ScriptModules.UseVersionedScript(app);
    app.UseStaticFiles();
    app.UseFlashSaleAuthentication();
    // After authentication (per-user rules need the user): rate limits, CSRF check for cookie-authenticated API calls.
    app.UseFlashSaleRequestGuards();
    app.UseAuthorization();
    app.UseAntiforgery();

    app.MapFlashSaleOpenApi();
    app.MapOperations();

    // The API and the pages: a query parameter given more than once is refused, naming it (SingleQueryValues), and so
    // is a form field given more than once or holding bytes that are not UTF-8 (StrictFormFields).
    var endpoints = app.MapGroup("").RefuseRepeatedQueryParameters().RefuseMalformedFormFields();
    endpoints.MapSales();
    endpoints.MapSaleEvents();
    endpoints.MapPurchases();
    endpoints.MapMyOrders();
    endpoints.MapAccounts();
    endpoints.MapLeaderboard();
    endpoints.MapAdminSales();
    endpoints.MapWebPages();
    endpoints.MapAdminOrders();
    endpoints.MapAdminStats();
    endpoints.MapAdminOps();

    OperationsSetup.ConnectCommitMetrics(app.Services);
    await Startup.PrepareAsync(app.Services, app.Lifetime.ApplicationStopping);
    await app.StartAsync();
}
catch (Exception error) when (error is not HostAbortedException)
{
    // HostAbortedException is how a tool that loads the entry point (HostFactoryResolver) stops it once it has the
    // host: it passes unchanged.
    if (app is not null)
    {
        StartFailure.Log(app.Logger, error);

        // A start that fails lets go of what it took (the data folder's lock, connections) before the error ends it: a
        // host started in a process that goes on (the tests' in-process servers) kept the folder locked for the next one.
        // Disposing also flushes the log.
        try
        {
            await app.DisposeAsync();
        }
        catch (Exception) when (StartFailure.IsOwnProcess)
        {
            // The start's own error is the one to report.
        }
    }

    if (!StartFailure.IsOwnProcess)
    {
        throw;
    }

    await Console.Error.WriteLineAsync(StartFailure.Describe(error));
    return StartFailure.ExitCode;
}

// Started: what goes wrong from here on is no start failure (app.RunAsync, in two halves).
try
{
    await app.WaitForShutdownAsync();
}
finally
{
    await app.DisposeAsync();
}

return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
