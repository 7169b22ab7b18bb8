using FlashSale.Drill.Api;
using FlashSale.Drill.Checking;
using FlashSale.Drill.Cli;

namespace FlashSale.Drill.Session;

/// <summary>Signs in, creates (or looks up) the sales, mints the buyers, and waits for the sales to open.</summary>
internal static class DrillSetup
{
    private const int MintBatch = 10_000;

    public static async Task<DrillSession> PrepareAsync(DrillOptions o, FlashSaleClient api, CancellationToken ct)
    {
        var runTag = Guid.NewGuid().ToString("N")[..10];
        var admin = await SignInAsync(o, api, ct);
        var created = o.SaleId is null ? await CreateSalesAsync(o, api, admin, runTag, ct) : [];
        var sales = o.SaleId is { } existing ? [await GetExistingSaleAsync(api, existing, ct)] : created;
        var (buyers, expireAt) = await MintAsync(o.Users, api, admin, ct);
        var baseline = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var sale in sales)
        {
            baseline[sale.Id] = o.SaleId is null
                ? new HashSet<string>()
                : (await EvidenceCollector.FetchOrdersAsync(api, admin, sale.Id, ct)).Select(x => x.OrderId).ToHashSet();
        }

        // A --sale about to open is waited for as the drill's own sales are (GetExistingSaleAsync refused one further off).
        if (o.SaleId is null || sales.Any(s => s.Status == Upcoming))
        {
            sales = await WaitUntilActiveAsync(api, sales, ct);
        }

        var requested = o.SaleId is null ? new SaleTerms("--stock/--limit", o.Stock, o.Limit) : null;
        return new DrillSession(admin, sales, requested, created, buyers, expireAt, baseline, ExpectationFor(o), runTag);
    }

    // Seed: one attempt of one unit per buyer on a fresh sale of --stock units (never what the server says it holds),
    // so exactly min(buyers, stock) succeed and the rest are sold out.
    private static Expectation? ExpectationFor(DrillOptions o)
    {
        if (o.Preset != Preset.Seed)
        {
            return null;
        }

        var successes = Math.Min(o.Users, o.Stock);
        return new Expectation(successes, o.Users - successes);
    }

    private static async Task<string> SignInAsync(DrillOptions o, FlashSaleClient api, CancellationToken ct)
    {
        var result = await api.SignInAsync(o.AdminUser, o.AdminPassword ?? "", ct);
        // A 404 or 405 is no verdict on the credentials: the address has no FlashSale API (--url with a path, another
        // server on that port). Until 2026-12-06 it too said to check --admin-user and --admin-password.
        var hint = result.Status is 404 or 405
            ? $"Check --url: {api.BaseUrl} must be the FlashSale server's base address (the API is under its api/v1/)."
            : $"Check --admin-user and --admin-password (or {OptionsParser.PasswordVariable}).";
        return result.IsSuccess
            ? result.Body!.AccessToken
            : throw new DrillSetupException($"Admin sign-in as '{o.AdminUser}' failed ({result.Describe()}). {hint}");
    }

    private static async Task<SaleDto> GetSaleAsync(FlashSaleClient api, string saleId, CancellationToken ct)
    {
        var result = await api.GetSaleAsync(saleId, ct);
        return result.IsSuccess ? result.Body! : throw new DrillSetupException($"Sale {saleId} cannot be read ({result.Describe()}).");
    }

    private const string Upcoming = "upcoming";

    /// <summary>How long the drill waits for a sale to open: its own, created a second ahead, or a --sale about to.</summary>
    private static readonly TimeSpan OpenWait = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A --sale that has not started and does not open within <see cref="OpenWait"/> is a setup error (exit 2): every
    /// attempt would be refused sale_not_started. Until 2026-12-07 the drill flooded it anyway and exited 0, with
    /// "every attempted sale sold something; 1 warning(s): … nothing sold".
    /// </summary>
    private static async Task<SaleDto> GetExistingSaleAsync(FlashSaleClient api, string saleId, CancellationToken ct)
    {
        var sale = await GetSaleAsync(api, saleId, ct);
        // The server's clock decides when it opens; this machine's only when the answer has none.
        var opensIn = sale.StartsAt - (sale.ServerTime ?? DateTimeOffset.UtcNow);
        return sale.Status != Upcoming || opensIn <= OpenWait
            ? sale
            : throw new DrillSetupException(
                $"Sale {saleId} has not started: it opens at {sale.StartsAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC " +
                $"(in {Roughly(opensIn)}), and every purchase before then is refused sale_not_started. " +
                $"Run the drill once it is active (within {OpenWait.TotalSeconds:0} s of its start it waits), or without --sale " +
                "for a fresh sale.");
    }

    // "59m59s", not "3599.99s".
    private static string Roughly(TimeSpan t) =>
        t >= TimeSpan.FromDays(1) ? $"{(int)t.TotalDays}d{t.Hours}h"
        : t >= TimeSpan.FromHours(1) ? $"{(int)t.TotalHours}h{t.Minutes:00}m"
        : t >= TimeSpan.FromMinutes(1) ? $"{t.Minutes}m{t.Seconds:00}s"
        : $"{t.Seconds}s";

    private static async Task<IReadOnlyList<SaleDto>> CreateSalesAsync(DrillOptions o, FlashSaleClient api, string admin,
        string runTag, CancellationToken ct)
    {
        // Starts a moment from now so it is upcoming → active like a real sale; ends well after the flood.
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(1);
        var endsAt = startsAt + o.EffectiveDeadline + TimeSpan.FromHours(1);
        var sales = new List<SaleDto>();
        for (var i = 1; i <= o.Sales; i++)
        {
            var preset = o.Preset.ToString().ToLowerInvariant();
            var request = new CreateSaleRequest($"drill-{preset}-{runTag}-{i}", $"Drill {preset} #{i}",
                "Created by the FlashSale drill.", 9.99m, "EUR", null, o.Stock, o.Limit, startsAt, endsAt);
            var result = await api.CreateSaleAsync(admin, request, ct);
            sales.Add(result.IsSuccess ? result.Body! : throw new DrillSetupException($"Creating a sale failed ({result.Describe()})."));
        }

        return sales;
    }

    private static async Task<(IReadOnlyList<Buyer>, DateTimeOffset?)> MintAsync(int count, FlashSaleClient api, string admin,
        CancellationToken ct)
    {
        var buyers = new List<Buyer>(count);
        DateTimeOffset? expireAt = null;
        while (buyers.Count < count)
        {
            var batch = Math.Min(MintBatch, count - buyers.Count);
            var result = await api.MintBuyersAsync(admin, batch, ct);
            if (result.Status == 404 && result.Problem?.Reason == "feature_disabled")
            {
                throw new DrillSetupException(
                    "The server does not mint synthetic buyers (404 feature_disabled). " +
                    "Start it with Auth__SyntheticBuyers__Enabled=true to run the drill.");
            }

            if (!result.IsSuccess || result.Body!.Tokens.Count != batch)
            {
                throw new DrillSetupException($"Minting {batch} buyers failed ({result.Describe()})." +
                    (result.Status == 400 && result.Problem?.Errors?.ContainsKey("count") == true
                        ? $" The server's Auth:SyntheticBuyers:MaxPerRequest caps one call; the drill mints up to {MintBatch:N0} at a time: raise it, or lower --users."
                        : ""));
            }

            buyers.AddRange(result.Body.Tokens.Select(t => new Buyer(t.UserId, t.Username, t.AccessToken)));
            expireAt = result.Body.ExpiresAt is { } at && (expireAt is null || at < expireAt) ? at : expireAt;
        }

        return (buyers, expireAt);
    }

    private static async Task<IReadOnlyList<SaleDto>> WaitUntilActiveAsync(FlashSaleClient api, IReadOnlyList<SaleDto> sales,
        CancellationToken ct)
    {
        var waitUntil = DateTimeOffset.UtcNow + OpenWait;
        while (true)
        {
            var current = new List<SaleDto>();
            foreach (var sale in sales)
            {
                current.Add(await GetSaleAsync(api, sale.Id, ct));
            }

            if (current.All(s => s.Status == "active"))
            {
                return current;
            }

            if (DateTimeOffset.UtcNow > waitUntil || current.Any(s => s.Status is "ended" or "sold_out"))
            {
                var states = string.Join(", ", current.Select(s => $"{s.Id}: {s.Status}"));
                throw new DrillSetupException($"The drill's sales did not open ({states}). Is the server's clock far off?");
            }

            await Task.Delay(100, ct);
        }
    }
}
