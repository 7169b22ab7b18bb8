namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// The setup most HTTP test classes share: one server, started before the first test, an admin
/// client signed in, and the server disposed after the last test. The class passes the
/// <see cref="TestApp"/> it needs (storage kind, real socket, settings, clock).
/// </summary>
public abstract class AdminAppTest(TestApp app) : IAsyncLifetime
{
    protected TestApp App { get; } = app;

    protected Api Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App.StartServer();
        Admin = await Api.AsAdminAsync(App.CreateClient());
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
