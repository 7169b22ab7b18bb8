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
}
