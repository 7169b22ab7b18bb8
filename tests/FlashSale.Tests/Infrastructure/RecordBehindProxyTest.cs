using FlashSale.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Infrastructure;

/// <summary>A test class whose tests each get a server on a <see cref="RecordBehindProxy"/> with <paramref name="settings"/>, disposed after the test.</summary>
public abstract class RecordBehindProxyTest(IDictionary<string, string?> settings) : IAsyncLifetime
{
    protected RecordBehindProxy Record { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Record = RecordBehindProxy.Create(settings);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Record.DisposeAsync();

    /// <summary>Waits until the instance knows the record is down (the persister's failed write or its ping's bound).</summary>
    protected async Task MarkedDownAsync()
    {
        var health = Record.App.Services.GetRequiredService<RecordHealth>();
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!health.IsDown)
        {
            Assert.True(DateTime.UtcNow < until, "the record was not marked down during the outage");
            await Task.Delay(50);
        }
    }
}
