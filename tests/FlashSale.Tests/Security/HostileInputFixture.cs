using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>One real-socket server shared by the hostile-input catalogue; each case makes its own sale and buyer.</summary>
public sealed class HostileInputFixture : IAsyncLifetime
{
    public TestApp App { get; } = new(realSocket: true);

    public Api Admin { get; private set; } = null!;

    public Uri Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App.StartServer();
        var client = App.CreateClient();
        Server = client.BaseAddress!;
        Admin = await Api.AsAdminAsync(client);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
