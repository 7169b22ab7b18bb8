using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// The server for one test class: its own data folder (fresh SQLite, fresh signing key), a known
/// admin password, synthetic buyers on. <c>realSocket</c> serves on a free port for tests
/// that need real HTTP (concurrency, browsers, the drill).
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    public const string AdminPassword = "admin-test-password-1";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public TestApp(bool realSocket = false, TimeProvider? clock = null, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        _services = services;
        DataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", Guid.NewGuid().ToString("N"));
        Clock = clock;
        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataPath"] = DataPath,
            ["Storage:SeedDemoData"] = "false",
            ["Admin:Password"] = AdminPassword,
            ["Auth:SyntheticBuyers:Enabled"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        if (realSocket)
        {
            UseKestrel(0);
        }
    }

    public string DataPath { get; }

    public TimeProvider? Clock { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (Clock is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
        }

        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by SQLite's pool: the temp folder is cleaned by the OS.
        }
    }
}
