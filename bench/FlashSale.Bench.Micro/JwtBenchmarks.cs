using BenchmarkDotNet.Attributes;
using FlashSale.Accounts;
using FlashSale.Storage;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Bench.Micro;

/// <summary>
/// What every authenticated purchase pays before any decision for its bearer token, with the server's real
/// handler and TokenValidationParameters (taken from its DI setup): a token validated within the last minute is
/// remembered (<see cref="CachingTokenHandler"/>), so <see cref="ValidateBearerToken"/> prices that path;
/// <see cref="ValidateBearerTokenInFull"/> prices the full HS256 validation a token gets the first time.
/// </summary>
public class JwtBenchmarks
{
    private ServiceProvider _services = null!;
    private TokenHandler _handler = null!;
    private readonly Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler _uncached = new() { MapInboundClaims = false };
    private TokenValidationParameters _parameters = null!;
    private string[] _tokens = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64)),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddOptions<StorageOptions>();
        services.AddFlashSaleAuth(configuration);
        services.AddSingleton<IAccountStore>(new OneAdmin());
        _services = services.BuildServiceProvider();

        var bearer = _services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        _handler = bearer.TokenHandlers[0];
        _parameters = bearer.TokenValidationParameters;
        var issuer = _services.GetRequiredService<TokenIssuer>();
        _tokens = [.. Enumerable.Range(0, BenchData.Buyers)
            .Select(i => issuer.Issue(Guid.NewGuid().ToString("D"), $"synthetic-{i:x8}", Roles.Buyer, OneAdmin.Stamp, OneAdmin.Id).AccessToken)];
    }

    [Benchmark]
    public async Task<bool> ValidateBearerToken()
    {
        var result = await _handler.ValidateTokenAsync(_tokens[(uint)_next++ % (uint)_tokens.Length], _parameters);
        return result.IsValid ? true : throw new InvalidOperationException("Token rejected.", result.Exception);
    }

    /// <summary>The same tokens through the handler's base class, which remembers nothing.</summary>
    [Benchmark]
    public async Task<bool> ValidateBearerTokenInFull()
    {
        var result = await _uncached.ValidateTokenAsync(_tokens[(uint)_next++ % (uint)_tokens.Length], _parameters);
        return result.IsValid ? true : throw new InvalidOperationException("Token rejected.", result.Exception);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>
    /// The admin who minted the synthetic buyers, as the account store knows it: each token's first validation checks
    /// its stamp (once per 30 s for all of them, CredentialStamps), as the server does.
    /// </summary>
    private sealed class OneAdmin : IAccountStore
    {
        public static readonly string Id = Guid.NewGuid().ToString("D");
        public static readonly string Stamp = CredentialStamps.New();

        public Task<string?> FindCredentialStampAsync(Guid id, CancellationToken ct) =>
            Task.FromResult<string?>(id.ToString("D") == Id ? Stamp : null);

        public Task<bool> TryCreateAsync(Account account, CancellationToken ct) => throw new NotSupportedException();

        public Task<Account?> FindByUsernameAsync(string username, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<Account>> FindNonBuyersAsync(CancellationToken ct) => throw new NotSupportedException();

        public Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken ct) => throw new NotSupportedException();

        public Task ChangePasswordAsync(Guid id, string passwordHash, string credentialStamp, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task ChangeRoleAsync(Guid id, string role, string credentialStamp, CancellationToken ct) => throw new NotSupportedException();
    }
}
