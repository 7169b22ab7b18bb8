using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

/// <summary>
/// The storage conformance suite: every test class deriving from this runs, unchanged, against
/// embedded storage, single Redis + PostgreSQL, and Redis Cluster + PostgreSQL (one sealed
/// subclass per kind). The guarantees are the same; only the machinery differs.
/// </summary>
public abstract class ConformanceTest(StorageKind kind, bool realSocket = false, TimeProvider? clock = null) : IAsyncLifetime
{
    protected StorageKind Kind { get; } = kind;

    protected TestApp App { get; } = new(realSocket: realSocket, clock: clock, kind: kind);

    protected Api Admin { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        if (realSocket)
        {
            App.StartServer();
        }

        Admin = await Api.AsAdminAsync(App.CreateClient());
    }

    public virtual async Task DisposeAsync() => await App.DisposeAsync();
}
